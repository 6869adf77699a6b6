using System.Threading.RateLimiting;
using Microsoft.AspNetCore.RateLimiting;
using Microsoft.Extensions.Options;
using MikuCloud.Api.Accounts;

namespace MikuCloud.Api.Limits;

/// <summary>Registers the per-user limits: a request-rate limiter on every endpoint, and the chat-turn limits.</summary>
public static class LimitsSetup
{
    public static IHostApplicationBuilder AddUserLimits(this IHostApplicationBuilder builder)
    {
        ArgumentNullException.ThrowIfNull(builder);
        builder.Services.AddOptions<UserLimits>().BindConfiguration(UserLimits.SectionName)
            .PostConfigure<IOptions<ApiAuthOptions>>((limits, auth) => limits.ApplyDefaults(auth.Value.IsSingleUser));
        builder.Services.AddSingleton(sp => sp.GetRequiredService<IOptions<UserLimits>>().Value);
        builder.Services.AddSingleton<TokenBudget>();
        builder.Services.AddSingleton<StreamSlots>();

        // The limiter's options need the bound limits, so they are configured through the options system.
        builder.Services.AddRateLimiter(_ => { });
        builder.Services.AddOptions<RateLimiterOptions>().Configure<UserLimits>((o, limits) =>
        {
            o.RejectionStatusCode = StatusCodes.Status429TooManyRequests;
            // Partitioned by the authenticated user (the limiter runs after authentication). Anonymous calls are
            // refused by authorization before they cost anything, and the Web's service calls have their own throttle.
            o.GlobalLimiter = PartitionedRateLimiter.Create<HttpContext, string>(http =>
            {
                var user = http.User.FindFirst(MikuClaims.UserId)?.Value;
                var method = http.User.FindFirst(MikuClaims.Method)?.Value;
                return limits.Requests <= 0 || user is null || method == MikuClaims.Methods.Service
                    ? RateLimitPartition.GetNoLimiter("")
                    : RateLimitPartition.GetSlidingWindowLimiter(user, _ => new SlidingWindowRateLimiterOptions
                    {
                        PermitLimit = limits.Requests,
                        Window = TimeSpan.FromMinutes(1),
                        SegmentsPerWindow = 12,
                        QueueLimit = 0,
                    });
            });
            o.OnRejected = async (context, ct) =>
            {
                var seconds = context.Lease.TryGetMetadata(MetadataName.RetryAfter, out var retry)
                    ? ApiProblem.RetryAfter(retry)
                    : 5;
                await new ApiProblem(429, ProblemCodes.RateLimited,
                        $"More than {limits.Requests} requests in a minute from this account. Wait {seconds} s.", retryAfterSeconds: seconds)
                    .ToResult(context.HttpContext).ExecuteAsync(context.HttpContext);
            };
        });
        return builder;
    }

}

using System.Globalization;
using System.Threading.RateLimiting;
using Microsoft.AspNetCore.RateLimiting;
using MikuCloud.Api.Accounts;

namespace MikuCloud.Api.Limits;

/// <summary>Registers the per-user limits: a request-rate limiter on every endpoint, and the chat-turn limits.</summary>
public static class LimitsSetup
{
    public static IHostApplicationBuilder AddUserLimits(this IHostApplicationBuilder builder)
    {
        ArgumentNullException.ThrowIfNull(builder);
        var singleUser = builder.Configuration.GetValue<AuthMode?>($"{AuthSettings.SectionName}:{nameof(AuthSettings.Mode)}") == AuthMode.SingleUser;
        var limits = UserLimits.From(builder.Configuration, singleUser);
        builder.Services.AddSingleton(limits);
        builder.Services.AddSingleton<TokenBudget>();
        builder.Services.AddSingleton<StreamSlots>();

        builder.Services.AddRateLimiter(o =>
        {
            o.RejectionStatusCode = StatusCodes.Status429TooManyRequests;
            // Partitioned by the authenticated user (the limiter runs after authentication). Anonymous calls are
            // refused by authorization before they cost anything, and the Web's service calls have their own throttle.
            o.GlobalLimiter = PartitionedRateLimiter.Create<HttpContext, string>(http =>
            {
                var user = http.User.FindFirst(MikuClaims.UserId)?.Value;
                var method = http.User.FindFirst(MikuClaims.Method)?.Value;
                return limits.RequestsPerMinute <= 0 || user is null || method == MikuClaims.Methods.Service
                    ? RateLimitPartition.GetNoLimiter("")
                    : RateLimitPartition.GetSlidingWindowLimiter(user, _ => new SlidingWindowRateLimiterOptions
                    {
                        PermitLimit = limits.RequestsPerMinute,
                        Window = TimeSpan.FromMinutes(1),
                        SegmentsPerWindow = 12,
                        QueueLimit = 0,
                    });
            });
            o.OnRejected = async (context, ct) =>
            {
                var seconds = context.Lease.TryGetMetadata(MetadataName.RetryAfter, out var retry)
                    ? Math.Max(1, (int)Math.Ceiling(retry.TotalSeconds))
                    : 5;
                await new Chat.ChatProblem(429, "rate_limited",
                        $"More than {limits.RequestsPerMinute} requests in a minute from this account. Wait {seconds} s.", retryAfterSeconds: seconds)
                    .ToResult(context.HttpContext).ExecuteAsync(context.HttpContext);
            };
        });
        return builder;
    }

    internal static int Seconds(TimeSpan wait) => Math.Max(1, (int)Math.Ceiling(wait.TotalSeconds));

    internal static string Format(TimeSpan wait) => Seconds(wait).ToString(CultureInfo.InvariantCulture);
}

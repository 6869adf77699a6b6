using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;
using MikuCloud.Api.Accounts;

namespace MikuCloud.Api.Limits;

/// <summary>Registers the per-user limits: a request-rate limit on every endpoint, and the chat-turn limits.</summary>
public static class LimitsSetup
{
    public static IHostApplicationBuilder AddUserLimits(this IHostApplicationBuilder builder)
    {
        ArgumentNullException.ThrowIfNull(builder);
        builder.Services.AddOptions<UserLimits>().BindConfiguration(UserLimits.SectionName)
            .PostConfigure<IOptions<ApiAuthOptions>>((limits, auth) => limits.ApplyDefaults(auth.Value.IsSingleUser));
        builder.Services.AddSingleton(sp => sp.GetRequiredService<IOptions<UserLimits>>().Value);
        // In this process unless scale-out (ScaleOutSetup, Redis) registered shared stores first.
        builder.Services.TryAddSingleton<IUsageWindows, InProcessUsageWindows>();
        builder.Services.TryAddSingleton<ISlotStore, InProcessSlotStore>();
        builder.Services.AddSingleton<TokenBudget>();
        builder.Services.AddSingleton<StreamSlots>();
        return builder;
    }

    /// <summary>
    /// The request-rate limit, after authentication (it is per user): <see cref="UserLimits.RequestsPerMinute"/> in a
    /// sliding minute, answered 429 <c>rate_limited</c> with Retry-After.
    /// </summary>
    public static IApplicationBuilder UseRequestRateLimit(this IApplicationBuilder app) => app.UseMiddleware<RequestRateLimit>();
}

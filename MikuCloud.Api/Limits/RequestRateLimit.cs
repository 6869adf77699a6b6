using MikuCloud.Api.Accounts;

namespace MikuCloud.Api.Limits;

/// <summary>
/// API requests per user per minute, every endpoint included, counted in <see cref="IUsageWindows"/> (so exact across
/// API processes sharing one Redis). Anonymous calls are refused by authorization before they cost anything, and the
/// Web's service calls have their own throttle.
/// </summary>
public sealed class RequestRateLimit(RequestDelegate next)
{
    private static readonly TimeSpan Window = TimeSpan.FromMinutes(1);

    public async Task InvokeAsync(HttpContext http, UserLimits limits, IUsageWindows windows)
    {
        var user = http.User.FindFirst(MikuClaims.UserId)?.Value;
        var method = http.User.FindFirst(MikuClaims.Method)?.Value;
        if (limits.Requests <= 0 || user is null || method == MikuClaims.Methods.Service)
        {
            await next(http);
            return;
        }

        if (await windows.TryAddAsync($"requests:{user}", 1, limits.Requests, Window, http.RequestAborted) is { } wait)
        {
            var seconds = ApiProblem.RetryAfter(wait);
            await new ApiProblem(429, ProblemCodes.RateLimited,
                    $"More than {limits.Requests} requests in a minute from this account. Wait {seconds} s.", retryAfterSeconds: seconds)
                .ToResult(http).ExecuteAsync(http);
            return;
        }

        await next(http);
    }
}

using Microsoft.AspNetCore.Diagnostics;
using StackExchange.Redis;

namespace MikuCloud.Api.ScaleOut;

/// <summary>
/// Redis unreachable in scale-out: the limits cannot be counted, so a request that needs them is a 503 with Retry-After,
/// as for the database — never admitted uncounted (a guesser would get unlimited sign-ins while Redis is down).
/// Affinity lookups do not come here: a miss costs a prefill, not a refusal.
/// </summary>
public sealed partial class SharedStateUnavailableHandler(IProblemDetailsService problems, ILogger<SharedStateUnavailableHandler> logger) : IExceptionHandler
{
    public async ValueTask<bool> TryHandleAsync(HttpContext httpContext, Exception exception, CancellationToken cancellationToken)
    {
        if (!IsOutage(exception) || httpContext.Response.HasStarted)
        {
            return false;
        }

        LogUnavailable(exception.GetBaseException().Message);
        return await DependencyOutage.WriteAsync(problems, httpContext, exception, "The shared limits store is unavailable.",
            "This request could not be counted against your limits right now. Nothing was changed; please try again shortly.",
            ProblemCodes.SharedStateUnavailable);
    }

    /// <summary>Whether <paramref name="exception"/> (or one inside it) says Redis could not be reached or did not answer in time.</summary>
    public static bool IsOutage(Exception exception) =>
        exception switch
        {
            RedisConnectionException or RedisTimeoutException => true,
            _ => exception.InnerException is { } inner && IsOutage(inner),
        };

    [LoggerMessage(LogLevel.Warning, "Redis unavailable: {Message}")]
    private partial void LogUnavailable(string message);
}

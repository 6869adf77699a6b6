using Microsoft.AspNetCore.Diagnostics;

namespace MikuCloud.Api;

/// <summary>
/// The one place a thrown <see cref="ApiProblem"/> becomes its RFC 7807 answer, wherever it was thrown (reading a
/// body, admitting a turn, an account rule), so that endpoints throw and never convert refusals themselves.
/// </summary>
/// <remarks>
/// Once a response has started (an answer is streaming) a problem can no longer be written; the exception then goes on
/// as before, and the stream's own <c>error</c> event is how the client learns what happened.
/// </remarks>
public sealed class ApiProblemHandler(ILogger<ApiProblemHandler> logger) : IExceptionHandler
{
    public async ValueTask<bool> TryHandleAsync(HttpContext httpContext, Exception exception, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(httpContext);
        if (exception is not ApiProblem problem || httpContext.Response.HasStarted)
        {
            return false;
        }

        // The reason in a word, never the detail (it may echo the request): a refusal is not an error of the API.
        logger.LogDebug("Request refused: {Status} {Code}", problem.Status, problem.Code);
        await problem.ToResult(httpContext).ExecuteAsync(httpContext);
        return true;
    }
}

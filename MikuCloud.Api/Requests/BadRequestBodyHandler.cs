using System.Text.Json;
using Microsoft.AspNetCore.Diagnostics;

namespace MikuCloud.Api.Requests;

/// <summary>
/// A body the server could not take, wherever it was being read: over the operation's limit (413 <c>body_too_large</c>),
/// slower than Kestrel's minimum data rate (408 <c>body_too_slow</c>), ended early or not JSON for a typed parameter
/// (400), or text that is not valid Unicode (400 <c>invalid_text</c>). A problem with a <c>code</c>, never a 500.
/// </summary>
public sealed class BadRequestBodyHandler(ILogger<BadRequestBodyHandler> logger) : IExceptionHandler
{
    public async ValueTask<bool> TryHandleAsync(HttpContext httpContext, Exception exception, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(httpContext);
        if (httpContext.Response.HasStarted || ToProblem(httpContext, exception) is not { } problem)
        {
            return false;
        }

        // The reason in a word, never the body: a refusal of bad input is not an error of the API.
        logger.LogInformation("Request body refused: {Code}", problem.Code);
        if (problem.Status is 408 or 413)
        {
            httpContext.Response.Headers.Connection = "close"; // the rest of the body is not worth reading
        }

        try
        {
            await problem.ToResult(httpContext).ExecuteAsync(httpContext);
        }
        catch (Exception ex) when (ex is OperationCanceledException or IOException && httpContext.RequestAborted.IsCancellationRequested)
        {
            // A body cut short because the client went away: nobody is left to read the problem.
        }

        return true;
    }

    internal static ApiProblem? ToProblem(HttpContext context, Exception exception) => exception switch
    {
        BadHttpRequestException { StatusCode: StatusCodes.Status413PayloadTooLarge } => BodyLimits.TooLarge(BodyLimits.Of(context)),
        BadHttpRequestException { StatusCode: StatusCodes.Status408RequestTimeout } =>
            new ApiProblem(408, ProblemCodes.BodyTooSlow, "The body arrived too slowly; send it again at a steady pace."),
        BadHttpRequestException { StatusCode: StatusCodes.Status415UnsupportedMediaType } =>
            new ApiProblem(415, ProblemCodes.UnsupportedMediaType, "Send the body as application/json."),
        BadHttpRequestException { InnerException: JsonException json } => JsonErrors.Malformed(json),
        BadHttpRequestException { InnerException: { } inner } when JsonErrors.IsInvalidText(inner) => JsonErrors.InvalidText(null),
        // Minimal APIs' own binding messages name parameters and .NET types; say it in the contract's words.
        BadHttpRequestException { StatusCode: >= 400 and < 500 } bad => new ApiProblem(bad.StatusCode, ProblemCodes.MalformedRequest,
            context.Request.ContentLength is 0 || context.Request.ContentLength is null && !context.Request.Headers.TransferEncoding.Any()
                ? "This operation needs a JSON body."
                : "The body could not be read: it ended early or is not what this operation takes."),
        _ when JsonErrors.IsInvalidText(exception) => JsonErrors.InvalidText(null),
        _ => null,
    };
}

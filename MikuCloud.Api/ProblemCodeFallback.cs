namespace MikuCloud.Api;

/// <summary>
/// Gives a <c>code</c> to the problems the API's own code does not write: the framework's status pages (no such
/// path, wrong method, a content type the operation does not accept) and an unexpected failure. Every problem then
/// carries a code, so a client never has to fall back to reading the title.
/// </summary>
public static class ProblemCodeFallback
{
    /// <summary>For <c>ProblemDetailsOptions.CustomizeProblemDetails</c>: adds a code where none was set.</summary>
    public static void Apply(ProblemDetailsContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        var extensions = context.ProblemDetails.Extensions;
        if (extensions.ContainsKey("code"))
        {
            return;
        }

        extensions["code"] = (context.ProblemDetails.Status ?? context.HttpContext.Response.StatusCode) switch
        {
            StatusCodes.Status404NotFound => ProblemCodes.NotFound,
            StatusCodes.Status405MethodNotAllowed => ProblemCodes.MethodNotAllowed,
            // Routing refuses a content type an operation does not accept before the operation runs.
            StatusCodes.Status415UnsupportedMediaType => ProblemCodes.UnsupportedMediaType,
            >= 500 => ProblemCodes.InternalError,
            _ => ProblemCodes.RequestFailed,
        };
    }
}

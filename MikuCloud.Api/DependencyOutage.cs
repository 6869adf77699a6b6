namespace MikuCloud.Api;

/// <summary>
/// The one answer for a dependency the API cannot reach (the database, scale-out's Redis): 503 with Retry-After and a
/// problem saying nothing was changed, written by each dependency's exception handler.
/// </summary>
internal static class DependencyOutage
{
    /// <summary>Seconds a client should wait before trying again.</summary>
    public const int RetryAfterSeconds = 5;

    public static ValueTask<bool> WriteAsync(IProblemDetailsService problems, HttpContext httpContext, Exception exception, string title, string detail, string code)
    {
        httpContext.Response.StatusCode = StatusCodes.Status503ServiceUnavailable;
        httpContext.Response.Headers.RetryAfter = RetryAfterSeconds.ToString(System.Globalization.CultureInfo.InvariantCulture);
        return problems.TryWriteAsync(new ProblemDetailsContext
        {
            HttpContext = httpContext,
            Exception = exception,
            ProblemDetails =
            {
                Status = StatusCodes.Status503ServiceUnavailable,
                Title = title,
                Detail = detail,
                Extensions = { ["code"] = code },
            },
        });
    }
}

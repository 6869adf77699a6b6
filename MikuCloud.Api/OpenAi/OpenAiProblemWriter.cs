namespace MikuCloud.Api.OpenAi;

/// <summary>
/// Writes every problem on the OpenAI-compatible door (<c>/v1/…</c>) in OpenAI's error shape instead of RFC 7807:
/// refusals thrown as <see cref="ApiProblem"/>, the authentication challenge, the rate limiter, the framework's own
/// 404/405/415 and unexpected failures all reach <see cref="IProblemDetailsService"/>, so one writer covers them all
/// and the rest of the API needs to know nothing about the door.
/// </summary>
/// <remarks>Registered before the default writer; it declines everything outside <c>/v1</c>.</remarks>
public sealed class OpenAiProblemWriter(Microsoft.Extensions.Options.IOptions<ProblemDetailsOptions> options) : IProblemDetailsWriter
{
    /// <summary>The door's path prefix.</summary>
    public const string PathPrefix = "/v1";

    public bool CanWrite(ProblemDetailsContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        return IsOpenAiPath(context.HttpContext.Request);
    }

    public ValueTask WriteAsync(ProblemDetailsContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        // The default writer applies the customisation (ProblemCodeFallback's codes); a writer of its own must too.
        options.Value.CustomizeProblemDetails?.Invoke(context);
        var problem = context.ProblemDetails;
        var status = problem.Status ?? context.HttpContext.Response.StatusCode;
        var param = (problem as HttpValidationProblemDetails)?.Errors.Keys.FirstOrDefault();
        var code = problem.Extensions.TryGetValue("code", out var c) ? c?.ToString() : null;
        var error = new OpenAiError(new OpenAiError.Body(problem.Detail ?? problem.Title ?? "The request failed.", OpenAiError.TypeFor(status), param, code));
        context.HttpContext.Response.StatusCode = status;
        return new ValueTask(context.HttpContext.Response.WriteAsJsonAsync(error, context.HttpContext.RequestAborted));
    }

    /// <summary>Whether a request came through the OpenAI-compatible door.</summary>
    public static bool IsOpenAiPath(HttpRequest request)
    {
        ArgumentNullException.ThrowIfNull(request);
        return request.Path.StartsWithSegments(PathPrefix, StringComparison.OrdinalIgnoreCase);
    }
}

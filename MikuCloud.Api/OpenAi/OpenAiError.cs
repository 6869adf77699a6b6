using System.Text.Json.Serialization;

namespace MikuCloud.Api.OpenAi;

/// <summary>
/// OpenAI's error body, <c>{"error": {"message", "type", "param", "code"}}</c>: what the OpenAI SDKs parse into their
/// exceptions. On <c>/v1</c> every refusal is written this way instead of RFC 7807; the <c>code</c> is still one of
/// <see cref="ProblemCodes"/>, so scripts branch on the same words on both doors.
/// </summary>
public sealed record OpenAiError([property: JsonPropertyName("error")] OpenAiError.Body Error)
{
    /// <summary>The error object inside <c>error</c>.</summary>
    public sealed record Body(
        [property: JsonPropertyName("message")] string Message,
        [property: JsonPropertyName("type")] string Type,
        [property: JsonPropertyName("param")] string? Param,
        [property: JsonPropertyName("code")] string? Code);

    /// <summary>OpenAI's error <c>type</c> for an HTTP status.</summary>
    public static string TypeFor(int status) => status switch
    {
        401 => "authentication_error",
        403 => "permission_error",
        404 => "not_found_error",
        429 => "rate_limit_error",
        >= 500 => "server_error",
        _ => "invalid_request_error",
    };
}

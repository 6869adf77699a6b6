using System.Text.Json;
using Microsoft.AspNetCore.Http.Features;
using MikuCloud.Api.Requests;

namespace MikuCloud.Api.Conversations;

/// <summary>The JSON body of a create or patch, parsed by hand so that every malformed body is a problem with <c>errors</c>.</summary>
internal static class ConversationBody
{
    /// <summary>The body's JSON (null when an optional body was left out); a missing, non-JSON or malformed body is thrown as a problem.</summary>
    public static async Task<JsonElement?> ReadAsync(HttpContext http, bool optional, CancellationToken cancellationToken)
    {
        var request = http.Request;
        var canHaveBody = http.Features.Get<IHttpRequestBodyDetectionFeature>()?.CanHaveBody ?? true;
        if (!canHaveBody || request.ContentLength == 0)
        {
            return optional ? null : throw ConversationProblems.Invalid(new Dictionary<string, string[]> { ["body"] = ["A JSON object body is required."] });
        }

        if (!request.HasJsonContentType())
        {
            throw new ApiProblem(StatusCodes.Status415UnsupportedMediaType, ProblemCodes.UnsupportedMediaType, "Send the body as application/json.")
            {
                Title = "Unsupported media type",
            };
        }

        try
        {
            // Bounded by the operation's body limit (BodyLimits): over it, Kestrel stops the read and the answer is a 413.
            using var document = await JsonDocument.ParseAsync(request.Body, new JsonDocumentOptions { MaxDepth = 16 }, cancellationToken);
            // System.Text.Json parses invalid UTF-8 and escaped unpaired surrogates; they fail only when read (or stored).
            return JsonText.FindInvalid(document.RootElement) is { } invalid ? throw JsonErrors.InvalidText(invalid) : document.RootElement.Clone();
        }
        catch (JsonException ex)
        {
            throw JsonErrors.Malformed(ex);
        }
    }
}

using System.Text.Json;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.AspNetCore.Http.HttpResults;
using MikuCloud.Api.Requests;
using static MikuCloud.Api.Conversations.ConversationProblems;

namespace MikuCloud.Api.Conversations;

/// <summary>The JSON body of a create or patch, parsed by hand so that every malformed body is a problem with <c>errors</c>.</summary>
internal sealed record ConversationBody(JsonElement? Json, ValidationProblem? Invalid = null, ProblemHttpResult? Unsupported = null)
{
    public static async Task<ConversationBody> ReadAsync(HttpContext http, bool optional, CancellationToken cancellationToken)
    {
        var request = http.Request;
        var canHaveBody = http.Features.Get<IHttpRequestBodyDetectionFeature>()?.CanHaveBody ?? true;
        if (!canHaveBody || request.ContentLength == 0)
        {
            return optional ? new ConversationBody(Json: null) : new ConversationBody(Json: null, Invalid: TypedResults.ValidationProblem(new Dictionary<string, string[]> { ["body"] = ["A JSON object body is required."] },
                extensions: Code(ProblemCodes.InvalidRequest)));
        }

        if (!request.HasJsonContentType())
        {
            return new ConversationBody(Json: null, Unsupported: TypedResults.Problem(statusCode: StatusCodes.Status415UnsupportedMediaType, title: "Unsupported media type",
                detail: "Send the body as application/json.", extensions: Code(ProblemCodes.UnsupportedMediaType)));
        }

        try
        {
            // Bounded by the operation's body limit (BodyLimits): over it, Kestrel stops the read and the answer is a 413.
            using var document = await JsonDocument.ParseAsync(request.Body, new JsonDocumentOptions { MaxDepth = 16 }, cancellationToken);
            // System.Text.Json parses invalid UTF-8 and escaped unpaired surrogates; they fail only when read (or stored).
            return JsonText.FindInvalid(document.RootElement) is { } invalid
                ? new ConversationBody(Json: null, Invalid: AsValidationProblem(JsonErrors.InvalidText(invalid)))
                : new ConversationBody(document.RootElement.Clone());
        }
        catch (JsonException ex)
        {
            return new ConversationBody(Json: null, Invalid: AsValidationProblem(JsonErrors.Malformed(ex)));
        }
    }
}

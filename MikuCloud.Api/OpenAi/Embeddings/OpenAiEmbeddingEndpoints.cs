using Microsoft.AspNetCore.Http.HttpResults;
using MikuCloud.Api.Conversations;
using MikuCloud.Api.Requests;

namespace MikuCloud.Api.OpenAi;

/// <summary><c>POST /v1/embeddings</c>: OpenAI's Embeddings over the house embedding model (<see cref="OpenAiEmbeddings"/>).</summary>
public static class OpenAiEmbeddingEndpoints
{
    public static IEndpointRouteBuilder MapOpenAiEmbeddingEndpoints(this IEndpointRouteBuilder app)
    {
        ArgumentNullException.ThrowIfNull(app);
        app.MapPost(OpenAiProblemWriter.PathPrefix + "/embeddings", EmbedAsync)
            .WithTags("OpenAI-compatible")
            .Accepts<System.Text.Json.Nodes.JsonObject>("application/json")
            .WithBodyLimit(EmbeddingRequest.MaxBodyBytes)
            .ProducesProblem(400).ProducesProblem(404).ProducesProblem(413).ProducesProblem(415).ProducesProblem(429).ProducesProblem(502).ProducesProblem(503)
            .DisableAntiforgery()
            .WithSummary("OpenAI-compatible Embeddings with the house embedding model.")
            .WithDescription("OpenAI's request and response shapes: model (an embedding model GET /v1/models lists, e.g. miku-embed), input (a string or " +
                             $"up to {EmbeddingRequest.MaxInputs:N0} strings, each at most {EmbeddingRequest.MaxInputLength:N0} characters), encoding_format " +
                             "(float or base64), dimensions. A text longer than the model's context is refused, not cut. Errors use OpenAI's shape " +
                             "{\"error\": {message, type, param, code}}.");
        return app;
    }

    private static async Task<Ok<EmbeddingList>> EmbedAsync(HttpContext http, OpenAiEmbeddings embeddings)
    {
        var request = EmbeddingRequest.Read(await OpenAiChatEndpoints.ReadBodyAsync(http.Request, http.RequestAborted));
        return TypedResults.Ok(await embeddings.EmbedAsync(CurrentOwner.Of(http), request, OpenAiChatEndpoints.Door, http.RequestAborted));
    }
}

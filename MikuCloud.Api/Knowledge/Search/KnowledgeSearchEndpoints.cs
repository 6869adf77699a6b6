using Microsoft.AspNetCore.Http.HttpResults;
using MikuCloud.Api.Conversations;
using MikuCloud.Api.Requests;

namespace MikuCloud.Api.Knowledge;

/// <summary><c>POST /api/knowledge/search</c>: the passages of the caller's readable knowledge bases that best answer a query.</summary>
public static class KnowledgeSearchEndpoints
{
    // A query of 2,000 characters (6 bytes each, escaped) and 100 ids fit well within this.
    private const long MaxBodyBytes = 32 * 1024;

    public static IEndpointRouteBuilder MapKnowledgeSearchEndpoints(this IEndpointRouteBuilder app)
    {
        ArgumentNullException.ThrowIfNull(app);
        app.MapPost("/api/knowledge/search", SearchAsync)
            .WithTags("Knowledge")
            .WithName("SearchKnowledge")
            .WithSummary("Find the passages of your knowledge bases (and the shared ones) that best answer a query.")
            .WithDescription($"Body: query (1–{KnowledgeSearch.MaxQueryLength:N0} chars), baseIds (≤ {KnowledgeSearch.MaxBases}; none = every base you can read), " +
                $"top (1–{KnowledgeSearch.MaxTop}, default {KnowledgeSearch.DefaultTop}). Ranks by full text and by meaning (embeddings), fused by reciprocal rank " +
                "(then rescored by the chat model when Knowledge:Rerank is on); only documents that are ready. A base you cannot read answers 404, like an unknown one.")
            .Accepts<KnowledgeSearchRequest>("application/json")
            .WithBodyLimit(MaxBodyBytes)
            .ProducesValidationProblem()
            .ProducesProblem(StatusCodes.Status404NotFound)
            .ProducesProblem(StatusCodes.Status413PayloadTooLarge)
            .ProducesProblem(StatusCodes.Status415UnsupportedMediaType);
        return app;
    }

    internal static async Task<Ok<KnowledgeSearchResult>> SearchAsync(KnowledgeSearchRequest? request, HttpContext http, KnowledgeSearch search,
        CancellationToken cancellationToken) =>
        TypedResults.Ok(await search.SearchAsync(CurrentOwner.Of(http), request, cancellationToken));
}

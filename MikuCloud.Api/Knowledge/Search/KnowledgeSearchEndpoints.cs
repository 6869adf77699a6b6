using Microsoft.AspNetCore.Http.HttpResults;
using MikuCloud.Api.Conversations;
using MikuCloud.Api.Requests;

namespace MikuCloud.Api.Knowledge;

/// <summary><c>POST /api/knowledge/search</c>: the passages of the caller's readable knowledge bases that best answer a query.</summary>
public static class KnowledgeSearchEndpoints
{
    /// <summary>Longest query, in characters.</summary>
    public const int MaxQueryLength = 2_000;

    /// <summary>Most passages one search returns.</summary>
    public const int MaxTop = 50;

    /// <summary>Passages returned when <c>top</c> is absent.</summary>
    public const int DefaultTop = 5;

    /// <summary>Most bases one search names.</summary>
    public const int MaxBases = 100;

    // A query of 2,000 characters (6 bytes each, escaped) and 100 ids fit well within this.
    private const long MaxBodyBytes = 32 * 1024;

    public static IEndpointRouteBuilder MapKnowledgeSearchEndpoints(this IEndpointRouteBuilder app)
    {
        ArgumentNullException.ThrowIfNull(app);
        app.MapPost("/api/knowledge/search", SearchAsync)
            .WithTags("Knowledge")
            .WithName("SearchKnowledge")
            .WithSummary("Find the passages of your knowledge bases (and the shared ones) that best answer a query.")
            .WithDescription($"Body: query (1–{MaxQueryLength:N0} chars), baseIds (≤ {MaxBases}; none = every base you can read), " +
                $"top (1–{MaxTop}, default {DefaultTop}). Ranks by full text and by meaning (embeddings), fused by reciprocal rank; " +
                "only documents that are ready. A base you cannot read answers 404, like an unknown one.")
            .Accepts<KnowledgeSearchRequest>("application/json")
            .WithBodyLimit(MaxBodyBytes)
            .ProducesValidationProblem()
            .ProducesProblem(StatusCodes.Status404NotFound)
            .ProducesProblem(StatusCodes.Status413PayloadTooLarge)
            .ProducesProblem(StatusCodes.Status415UnsupportedMediaType);
        return app;
    }

    internal static async Task<Ok<KnowledgeSearchResult>> SearchAsync(KnowledgeSearchRequest? request, HttpContext http, KnowledgeRetriever retriever,
        CancellationToken cancellationToken)
    {
        var errors = new Dictionary<string, string[]>(StringComparer.Ordinal);
        var query = request?.Query?.Trim();
        if (string.IsNullOrEmpty(query) || query.Length > MaxQueryLength)
        {
            errors["query"] = [$"query must be 1–{MaxQueryLength:N0} characters of text."];
        }

        var top = request?.Top ?? DefaultTop;
        if (top is < 1 or > MaxTop)
        {
            errors["top"] = [$"top must be 1–{MaxTop}."];
        }

        var baseIds = request?.BaseIds?.Distinct().ToList() ?? [];
        if (baseIds.Count > MaxBases)
        {
            errors["baseIds"] = [$"Name at most {MaxBases} bases (or none, for all you can read)."];
        }

        if (errors.Count > 0)
        {
            throw new ApiProblem(StatusCodes.Status400BadRequest, ProblemCodes.InvalidRequest, errors.First().Value[0], errors);
        }

        var owner = CurrentOwner.Of(http);
        if (baseIds.Count > 0)
        {
            var readable = await retriever.ReadableBasesAsync(owner, baseIds, cancellationToken);
            if (baseIds.Where(id => !readable.Contains(id)).ToList() is [var missing, ..])
            {
                // Another account's private base reads exactly like one that does not exist.
                throw new ApiProblem(StatusCodes.Status404NotFound, ProblemCodes.KnowledgeBaseNotFound, $"There is no knowledge base {missing}.")
                {
                    Title = "Knowledge base not found",
                };
            }
        }

        var passages = await retriever.SearchAsync(owner, baseIds, query!, top, cancellationToken);
        return TypedResults.Ok(new KnowledgeSearchResult([.. passages.Select(p =>
            new KnowledgePassageDto(p.ChunkId, p.DocumentId, p.BaseId, p.DocumentName, p.Page, p.Heading, p.Text, p.Score))]));
    }
}

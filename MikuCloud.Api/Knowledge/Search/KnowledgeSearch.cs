namespace MikuCloud.Api.Knowledge;

/// <summary>
/// A knowledge search as a door asks for it (<c>POST /api/knowledge/search</c>, the MCP tool <c>search_knowledge</c>):
/// the request checked (an <see cref="ApiProblem"/> for bad input), named bases the owner cannot read answered like
/// unknown ones, then <see cref="KnowledgeRetriever"/>. Nothing of HTTP.
/// </summary>
public sealed class KnowledgeSearch(KnowledgeRetriever retriever)
{
    /// <summary>Longest query, in characters.</summary>
    public const int MaxQueryLength = 2_000;

    /// <summary>Most passages one search returns.</summary>
    public const int MaxTop = 50;

    /// <summary>Passages returned when <c>top</c> is absent.</summary>
    public const int DefaultTop = 5;

    /// <summary>Most bases one search names.</summary>
    public const int MaxBases = 100;

    /// <summary>The passages <paramref name="request"/> finds in the bases <paramref name="ownerId"/> can read, best first.</summary>
    public async Task<KnowledgeSearchResult> SearchAsync(string ownerId, KnowledgeSearchRequest? request, CancellationToken cancellationToken)
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

        if (baseIds.Count > 0)
        {
            var readable = await retriever.ReadableBasesAsync(ownerId, baseIds, cancellationToken);
            if (baseIds.Where(id => !readable.Contains(id)).ToList() is [var missing, ..])
            {
                // Another account's private base reads exactly like one that does not exist.
                throw new ApiProblem(StatusCodes.Status404NotFound, ProblemCodes.KnowledgeBaseNotFound, $"There is no knowledge base {missing}.")
                {
                    Title = "Knowledge base not found",
                };
            }
        }

        var passages = await retriever.SearchAsync(ownerId, baseIds, query!, top, cancellationToken);
        return new KnowledgeSearchResult([.. passages.Select(p =>
            new KnowledgePassageDto(p.ChunkId, p.DocumentId, p.BaseId, p.DocumentName, p.Page, p.Heading, p.Text, p.Score))]);
    }
}

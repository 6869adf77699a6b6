namespace MikuCloud.Api.Knowledge;

/// <summary>
/// One knowledge base's chunk vectors in memory, document by document, as of <see cref="Version"/> (the base's
/// <see cref="KnowledgeBase.VectorVersion"/> read before them: the copy holds that state or a later one). Never changed
/// once made: a search scans the copy it took while a newer one replaces it.
/// </summary>
internal sealed class BaseVectors(long version, IReadOnlyDictionary<Guid, DocumentVectors> documents)
{
    private readonly DocumentVectors[] scanned = [.. documents.Values.Where(d => d.Ids.Length > 0)];

    public long Version { get; } = version;

    public IReadOnlyDictionary<Guid, DocumentVectors> Documents { get; } = documents;

    /// <summary>Vectors held.</summary>
    public int Count => scanned.Sum(d => d.Ids.Length);

    /// <summary>Adds every vector's similarity to <paramref name="query"/> into the running top list.</summary>
    public void Scan(ReadOnlySpan<sbyte> query, float queryScale, TopScores top)
    {
        foreach (var document in scanned)
        {
            document.Scan(query, queryScale, top);
        }
    }
}

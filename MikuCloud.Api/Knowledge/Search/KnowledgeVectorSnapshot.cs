using System.Runtime.InteropServices;

namespace MikuCloud.Api.Knowledge;

/// <summary>
/// The vectors of the bases a search reads, as the database had them when the search began (from
/// <see cref="KnowledgeVectorIndex.CurrentAsync"/>): ranking them needs no database, so it runs while the database
/// ranks the full text.
/// </summary>
public sealed class KnowledgeVectorSnapshot
{
    private readonly IReadOnlyList<BaseVectors> bases;

    internal KnowledgeVectorSnapshot(IReadOnlyList<Guid> baseIds, IReadOnlyList<BaseVectors> bases)
    {
        BaseIds = baseIds;
        this.bases = bases;
    }

    /// <summary>The bases searched.</summary>
    public IReadOnlyList<Guid> BaseIds { get; }

    /// <summary>Vectors held.</summary>
    public int Count => bases.Sum(b => b.Count);

    /// <summary>The <paramref name="limit"/> chunks nearest to <paramref name="query"/> (unit length), best first.</summary>
    public IReadOnlyList<long> Rank(float[] query, int limit)
    {
        ArgumentNullException.ThrowIfNull(query);
        using var span = KnowledgeSearchTelemetry.Start(KnowledgeSearchTelemetry.Scan);
        var (bytes, scale) = VectorQuantizer.Quantize(query);
        var top = new TopScores(limit);
        foreach (var vectors in bases)
        {
            vectors.Scan(MemoryMarshal.Cast<byte, sbyte>(bytes.AsSpan()), scale, top);
        }

        span?.SetTag(KnowledgeSearchTelemetry.ScannedTag, Count);
        return top.Ranked();
    }
}

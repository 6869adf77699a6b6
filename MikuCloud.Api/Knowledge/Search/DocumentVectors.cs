using System.Runtime.InteropServices;

namespace MikuCloud.Api.Knowledge;

/// <summary>
/// One document's chunk vectors in memory, row after row in one array (int8, as stored), with the
/// <see cref="KnowledgeVectorVersion.Version"/> they were read at: the unit a write replaces.
/// </summary>
internal sealed class DocumentVectors(long version, int dimensions, long[] ids, float[] scales, byte[] values)
{
    /// <summary>The document's version when read; -1 when it had none yet (it is read again at the next change).</summary>
    public long Version { get; } = version;

    public int Dimensions { get; } = dimensions;

    public long[] Ids { get; } = ids;

    /// <summary>A document with no vectors (yet, or any more): nothing to scan, but its version is known.</summary>
    public static DocumentVectors Empty(long version) => new(version, 0, [], [], []);

    /// <summary>Adds each row's cosine similarity to <paramref name="query"/> (quantised, with its scale) into the running top list.</summary>
    public void Scan(ReadOnlySpan<sbyte> query, float queryScale, TopScores top)
    {
        if (query.Length != Dimensions)
        {
            return; // vectors of another embedding model: the document needs a re-index
        }

        var all = MemoryMarshal.Cast<byte, sbyte>(values.AsSpan());
        for (var row = 0; row < Ids.Length; row++)
        {
            var score = Int8Dot.Dot(query, all.Slice(row * Dimensions, Dimensions)) * queryScale * scales[row];
            top.Offer(Ids[row], score);
        }
    }
}

using System.Runtime.InteropServices;

namespace MikuCloud.Api.Knowledge;

/// <summary>
/// One knowledge base's chunk vectors in memory, row after row in one array (int8, as stored), for an exact scan. The
/// <see cref="Stamp"/> (chunk count and highest id when loaded) tells whether the database has changed since.
/// </summary>
internal sealed class BaseVectors((int Count, long MaxId) stamp, int dimensions, long[] ids, float[] scales, byte[] values)
{
    public (int Count, long MaxId) Stamp { get; } = stamp;

    public int Dimensions { get; } = dimensions;

    public long[] Ids { get; } = ids;

    public float[] Scales { get; } = scales;

    /// <summary>Adds each row's cosine similarity to <paramref name="query"/> (quantised, with its scale) into the running top list.</summary>
    public void Scan(ReadOnlySpan<sbyte> query, float queryScale, TopScores top)
    {
        if (query.Length != Dimensions)
        {
            return; // vectors of another embedding model: the base needs a re-index
        }

        var all = MemoryMarshal.Cast<byte, sbyte>(values.AsSpan());
        for (var row = 0; row < Ids.Length; row++)
        {
            var score = Int8Dot.Dot(query, all.Slice(row * Dimensions, Dimensions)) * queryScale * Scales[row];
            top.Offer(Ids[row], score);
        }
    }
}

using System.Runtime.InteropServices;

namespace MikuCloud.Api.Knowledge;

/// <summary>
/// One knowledge base's chunk vectors in memory, row after row in one array (int8, as stored), for an exact scan. The
/// <see cref="Stamp"/> (chunk count and highest id when loaded) tells whether the database has changed since.
/// </summary>
internal sealed class BaseVectors
{
    private readonly sbyte[] values;

    public BaseVectors((int Count, long MaxId) stamp, int dimensions, IReadOnlyList<(long Id, float Scale, byte[] Vector)> rows)
    {
        Stamp = stamp;
        Dimensions = dimensions;
        var kept = rows.Where(r => r.Vector.Length == dimensions).ToList();
        Ids = [.. kept.Select(r => r.Id)];
        Scales = [.. kept.Select(r => r.Scale)];
        values = new sbyte[kept.Count * dimensions];
        for (var i = 0; i < kept.Count; i++)
        {
            MemoryMarshal.Cast<byte, sbyte>(kept[i].Vector).CopyTo(values.AsSpan(i * dimensions, dimensions));
        }
    }

    public (int Count, long MaxId) Stamp { get; }

    public int Dimensions { get; }

    public long[] Ids { get; }

    public float[] Scales { get; }

    /// <summary>Adds each row's cosine similarity to <paramref name="query"/> (quantised, with its scale) into the running top list.</summary>
    public void Scan(ReadOnlySpan<sbyte> query, float queryScale, TopScores top)
    {
        if (query.Length != Dimensions)
        {
            return; // vectors of another embedding model: the base needs a re-index
        }

        for (var row = 0; row < Ids.Length; row++)
        {
            var score = Int8Dot.Dot(query, values.AsSpan(row * Dimensions, Dimensions)) * queryScale * Scales[row];
            top.Offer(Ids[row], score);
        }
    }
}

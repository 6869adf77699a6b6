using System.Collections.Concurrent;
using System.Runtime.InteropServices;
using Microsoft.EntityFrameworkCore;
using MikuCloud.Api.Data;

namespace MikuCloud.Api.Knowledge;

/// <summary>
/// Exact nearest-neighbour search over chunk vectors, in process: each base's int8 vectors are loaded from the database
/// once and scanned with SIMD dot products (a base of 100,000 chunks of 1,024 dimensions is 100 MB and a few
/// milliseconds per core). Before each search a cheap count-and-max query per base tells whether the cached copy is
/// stale (another replica, or a write or delete here), so no instance answers from vectors the database no longer has.
/// </summary>
public sealed class KnowledgeVectorIndex
{
    private readonly ConcurrentDictionary<Guid, BaseVectors> bases = new();

    /// <summary>Drops a base's cached vectors (after a write or delete; the stamp check would catch it too, one search later).</summary>
    public void Invalidate(Guid baseId) => bases.TryRemove(baseId, out _);

    /// <summary>The <paramref name="limit"/> chunks of <paramref name="baseIds"/> nearest to <paramref name="query"/> (unit length), best first.</summary>
    public async Task<IReadOnlyList<long>> RankAsync(ChatDbContext db, IReadOnlyCollection<Guid> baseIds, float[] query, int limit, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(db);
        ArgumentNullException.ThrowIfNull(query);
        var ids = baseIds.ToList();
        var stamps = await db.KnowledgeChunks.AsNoTracking()
            .Where(c => ids.Contains(c.BaseId))
            .GroupBy(c => c.BaseId)
            .Select(g => new { BaseId = g.Key, Count = g.Count(), MaxId = g.Max(c => c.Id) })
            .ToListAsync(ct).ConfigureAwait(false);

        var (bytes, scale) = VectorQuantizer.Quantize(query);
        var top = new TopScores(limit);
        // Bases without chunks have no stamp row (and nothing to scan).
        foreach (var stamp in stamps)
        {
            var vectors = await LoadAsync(db, stamp.BaseId, (stamp.Count, stamp.MaxId), ct).ConfigureAwait(false);
            vectors.Scan(MemoryMarshal.Cast<byte, sbyte>(bytes.AsSpan()), scale, top);
        }

        return top.Ranked();
    }

    private async Task<BaseVectors> LoadAsync(ChatDbContext db, Guid baseId, (int Count, long MaxId) stamp, CancellationToken ct)
    {
        if (bases.TryGetValue(baseId, out var cached) && cached.Stamp == stamp)
        {
            return cached;
        }

        var loaded = await BaseVectorLoader.LoadAsync(db, baseId, stamp, ct).ConfigureAwait(false);
        bases[baseId] = loaded;
        return loaded;
    }
}

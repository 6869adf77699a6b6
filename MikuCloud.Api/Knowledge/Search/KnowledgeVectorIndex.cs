using System.Collections.Concurrent;
using Microsoft.EntityFrameworkCore;
using MikuCloud.Api.Data;

namespace MikuCloud.Api.Knowledge;

/// <summary>
/// Exact nearest-neighbour search over chunk vectors, in process: each base's int8 vectors are read from the database
/// once, document by document, and scanned with SIMD dot products (100,000 chunks of 1,024 dimensions are 100 MB and a
/// few milliseconds per core). Before each search one indexed read of the bases' <see cref="KnowledgeBase.VectorVersion"/>
/// (moved by the database's own triggers at every write, by any replica) tells whether the copy is current; when it
/// moved, only the documents whose <see cref="KnowledgeVectorVersion"/> moved are read again. So no instance answers from
/// vectors the database no longer has, and a write costs the next search the changed documents, not the whole base.
/// </summary>
public sealed class KnowledgeVectorIndex
{
    /// <summary>How a search found a base's cached vectors (span tag <see cref="KnowledgeSearchTelemetry.RefreshTag"/>).</summary>
    public const string Current = "current", Changes = "changes", Full = "full";

    private readonly ConcurrentDictionary<Guid, BaseVectors> bases = new();

    // One refresh per base at a time: searches arriving meanwhile wait for its copy instead of reading 100 MB again.
    private readonly ConcurrentDictionary<Guid, SemaphoreSlim> refreshes = new();

    /// <summary>
    /// The vectors of <paramref name="bases"/> as the database has them now: each base's cached copy when its version has
    /// not moved, else brought up to date (the documents that changed) or read whole (the first search of a base). The
    /// bases' ids and versions are read in one query (the caller's, e.g. the bases an account can read).
    /// </summary>
    public async Task<KnowledgeVectorSnapshot> CurrentAsync(ChatDbContext db, IQueryable<KnowledgeBase> bases, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(db);
        ArgumentNullException.ThrowIfNull(bases);
        using var span = KnowledgeSearchTelemetry.Start(KnowledgeSearchTelemetry.Vectors);
        var versions = await bases.AsNoTracking().Select(b => new { b.Id, b.VectorVersion }).ToListAsync(ct).ConfigureAwait(false);
        var current = new List<BaseVectors>(versions.Count);
        var refreshed = Current;
        foreach (var stamp in versions)
        {
            var (vectors, refresh) = await CurrentBaseAsync(db, stamp.Id, stamp.VectorVersion, ct).ConfigureAwait(false);
            refreshed = refresh == Current ? refreshed : refresh;
            current.Add(vectors);
        }

        span?.SetTag(KnowledgeSearchTelemetry.RefreshTag, refreshed);
        return new KnowledgeVectorSnapshot([.. versions.Select(v => v.Id)], current);
    }

    /// <summary>The base's vectors as of <paramref name="version"/> or later: the cached copy, brought up to date, or read whole.</summary>
    private async Task<(BaseVectors Vectors, string Refresh)> CurrentBaseAsync(ChatDbContext db, Guid baseId, long version, CancellationToken ct)
    {
        // The version only goes up: a copy stamped later than this search's read is newer still, and as good.
        if (bases.TryGetValue(baseId, out var cached) && cached.Version >= version)
        {
            return (cached, Current);
        }

        var gate = refreshes.GetOrAdd(baseId, _ => new SemaphoreSlim(1, 1));
        await gate.WaitAsync(ct).ConfigureAwait(false);
        try
        {
            if (bases.TryGetValue(baseId, out cached) && cached.Version >= version)
            {
                return (cached, Current);
            }

            // Read after the base's version, so what is read is as new as that version or newer (then the next search
            // sees the version moved again and reads those documents once more).
            var documents = await BaseVectorLoader.VersionsAsync(db, baseId, ct).ConfigureAwait(false);
            var updated = cached is null
                ? new BaseVectors(version, await BaseVectorLoader.LoadAsync(db, baseId, documents, only: null, ct).ConfigureAwait(false))
                : await ApplyChangesAsync(db, baseId, version, cached, documents, ct).ConfigureAwait(false);
            bases[baseId] = updated;
            return (updated, cached is null ? Full : Changes);
        }
        finally
        {
            gate.Release();
        }
    }

    /// <summary>
    /// <paramref name="cached"/> with the documents whose version moved (re-indexed, or new) read again and those that are
    /// gone (deleted) left out; the others are kept as they are, buffers and all.
    /// </summary>
    private static async Task<BaseVectors> ApplyChangesAsync(ChatDbContext db, Guid baseId, long version, BaseVectors cached,
        Dictionary<Guid, long> documents, CancellationToken ct)
    {
        var changed = documents.Where(d => !cached.Documents.TryGetValue(d.Key, out var held) || held.Version != d.Value).Select(d => d.Key).ToList();
        var kept = cached.Documents.Where(d => documents.ContainsKey(d.Key)).ToDictionary();
        if (changed.Count > 0)
        {
            foreach (var (id, vectors) in await BaseVectorLoader.LoadAsync(db, baseId, documents, changed, ct).ConfigureAwait(false))
            {
                kept[id] = vectors;
            }
        }

        return new BaseVectors(version, kept);
    }
}

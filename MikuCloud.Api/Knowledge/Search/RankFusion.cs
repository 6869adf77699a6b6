namespace MikuCloud.Api.Knowledge;

/// <summary>
/// Reciprocal rank fusion (Cormack et al., 2009): each ranking gives an item 1 / (k + rank), summed over rankings. It
/// needs no score calibration between bm25, ts_rank_cd and cosine similarity, and k = 60 keeps one ranking's top hit
/// from drowning out agreement between both.
/// </summary>
public static class RankFusion
{
    /// <summary>The constant of the original paper, used by most hybrid search engines.</summary>
    public const int K = 60;

    /// <summary>Items of all <paramref name="rankings"/> (each best first) with their fused scores, best first; ties keep first-seen order.</summary>
    public static IReadOnlyList<(long Id, double Score)> Fuse(params IReadOnlyList<long>[] rankings)
    {
        ArgumentNullException.ThrowIfNull(rankings);
        var scores = new Dictionary<long, double>();
        var order = new List<long>();
        foreach (var ranking in rankings)
        {
            for (var rank = 0; rank < ranking.Count; rank++)
            {
                var id = ranking[rank];
                if (!scores.TryGetValue(id, out var score))
                {
                    order.Add(id);
                }

                scores[id] = score + (1.0 / (K + rank + 1));
            }
        }

        return [.. order.Select((id, seen) => (id, seen)).OrderByDescending(x => scores[x.id]).ThenBy(x => x.seen).Select(x => (x.id, scores[x.id]))];
    }
}

using System.Collections.Concurrent;
using System.Diagnostics;
using MikuCloud.Api.Knowledge;

namespace MikuCloud.Bench;

/// <summary>
/// Where a knowledge search's time goes: the step spans of <see cref="KnowledgeSearchTelemetry"/> recorded while it
/// listens, as a p50 per step. Steps overlap (the query is embedded and the vectors scanned while the database ranks
/// the full text), so they add up to more than the search.
/// </summary>
public sealed class KnowledgeSearchPhases : IDisposable
{
    /// <summary>The steps reported, in a search's order, with their names in the report.</summary>
    public static readonly IReadOnlyList<(string Span, string Name)> Steps =
    [
        (KnowledgeSearchTelemetry.Vectors, "bases + version check"), (KnowledgeSearchTelemetry.FullText, "full text"),
        (KnowledgeSearchTelemetry.Embed, "embed (fake)"), (KnowledgeSearchTelemetry.Scan, "vector scan"), (KnowledgeSearchTelemetry.Passages, "passages"),
    ];

    private readonly ConcurrentQueue<(string Name, double Ms)> samples = new();
    private readonly ActivityListener listener;

    public KnowledgeSearchPhases()
    {
        listener = new ActivityListener
        {
            ShouldListenTo = s => s.Name == KnowledgeSearchTelemetry.Name,
            Sample = (ref ActivityCreationOptions<ActivityContext> _) => ActivitySamplingResult.AllDataAndRecorded,
            ActivityStopped = a => samples.Enqueue((a.OperationName, a.Duration.TotalMilliseconds)),
        };
        ActivitySource.AddActivityListener(listener);
    }

    /// <summary>p50 milliseconds per step of <see cref="Steps"/> (NaN for a step never seen), since the last call.</summary>
    public IReadOnlyList<double> Drain()
    {
        var all = new List<(string Name, double Ms)>();
        while (samples.TryDequeue(out var sample))
        {
            all.Add(sample);
        }

        return [.. Steps.Select(step => Summary.Of(all.Where(s => s.Name == step.Span).Select(s => s.Ms)).P50)];
    }

    public void Dispose() => listener.Dispose();
}

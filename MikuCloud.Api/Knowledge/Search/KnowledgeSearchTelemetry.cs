using System.Diagnostics;

namespace MikuCloud.Api.Knowledge;

/// <summary>
/// The spans of a knowledge search (activity source <see cref="Name"/>, exported by the service defaults' <c>MikuCloud.*</c>):
/// one per search with one child per step, so a slow search shows which step took the time. Counts and kinds only,
/// never the query or a passage.
/// </summary>
public static class KnowledgeSearchTelemetry
{
    /// <summary>The activity source name.</summary>
    public const string Name = "MikuCloud.Knowledge.Search";

    /// <summary>
    /// Span names: the whole search, then its steps: the readable bases with their vectors brought up to date, the
    /// full-text ranking, the query's embedding, the vector scan (these three overlap), and reading the passages.
    /// </summary>
    public const string Search = "mikucloud.knowledge.search", FullText = "mikucloud.knowledge.full_text", Embed = "mikucloud.knowledge.embed",
        Vectors = "mikucloud.knowledge.vectors", Scan = "mikucloud.knowledge.scan", Passages = "mikucloud.knowledge.passages";

    /// <summary>
    /// Tag on <see cref="Vectors"/>: how the cached vectors were found (<see cref="KnowledgeVectorIndex.Current"/>,
    /// <see cref="KnowledgeVectorIndex.Changes"/> read again, <see cref="KnowledgeVectorIndex.Full"/> read whole).
    /// </summary>
    public const string RefreshTag = "mikucloud.knowledge.vectors.refresh";

    /// <summary>Tag on <see cref="Scan"/>: vectors scanned.</summary>
    public const string ScannedTag = "mikucloud.knowledge.vectors.scanned";

    public static readonly ActivitySource Source = new(Name);

    /// <summary>A step's span (null when nobody listens).</summary>
    public static Activity? Start(string step) => Source.StartActivity(step);
}

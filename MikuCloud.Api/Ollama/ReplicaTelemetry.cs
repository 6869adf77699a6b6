using System.Diagnostics.Metrics;
using MikuCloud.Api.Chat;
using MikuCloud.Api.Ollama.Routing;

namespace MikuCloud.Api.Ollama;

/// <summary>
/// Routing instruments on the chat meter (<see cref="ChatTelemetry.Name"/>): turns routed, by replica and route (the
/// affinity hit rate is <c>route="affinity"</c> over turns that had an affinity), turns retried on another replica,
/// and each replica's busy slots and health as gauges. Names are the contract with deploy/'s Grafana dashboard.
/// </summary>
public sealed class ReplicaTelemetry : IDisposable
{
    /// <summary>Tag keys: the replica (<c>host:port</c>) and why a turn went there (<see cref="ReplicaRoute"/>, lower case).</summary>
    public const string ReplicaTag = ChatTelemetry.ReplicaTag, RouteTag = ChatTelemetry.RouteTag;

    /// <summary>Every instrument name, for the dashboard check.</summary>
    public static readonly IReadOnlyList<string> InstrumentNames =
        ["mikucloud.ollama.routes", "mikucloud.ollama.retries", "mikucloud.ollama.replica.busy", "mikucloud.ollama.replica.healthy"];

    private readonly Meter meter;
    private readonly Counter<long> routes;
    private readonly Counter<long> retries;

    /// <param name="meters">Where the meter comes from.</param>
    /// <param name="router">Whose replicas the gauges read; without it (a meter only described, as in the dashboard check) they report nothing.</param>
    public ReplicaTelemetry(IMeterFactory meters, ReplicaRouter? router = null)
    {
        ArgumentNullException.ThrowIfNull(meters);
        meter = meters.Create(ChatTelemetry.Name);
        routes = meter.CreateCounter<long>("mikucloud.ollama.routes", "{turn}",
            "Turns routed to an Ollama replica, by mikucloud.replica and mikucloud.route (new, affinity, spilled, moved).");
        retries = meter.CreateCounter<long>("mikucloud.ollama.retries", "{turn}",
            "Turns a replica refused before streaming, retried on another; by the refusing mikucloud.replica and mikucloud.reason (the error code).");
        meter.CreateObservableGauge("mikucloud.ollama.replica.busy", () => Read(router, s => s.Busy), "{slot}", "Generation slots taken on each replica.");
        meter.CreateObservableGauge("mikucloud.ollama.replica.healthy", () => Read(router, s => s.Healthy ? 1 : 0), "{replica}", "1 while a replica gets new turns, 0 while it is failed (summed: the healthy replicas).");
    }

    /// <summary>The tag value naming a replica.</summary>
    public static string NameOf(Uri replica)
    {
        ArgumentNullException.ThrowIfNull(replica);
        return replica.Authority;
    }

    /// <summary>A turn went to <paramref name="lease"/>'s replica.</summary>
    public void Routed(ReplicaLease lease)
    {
        ArgumentNullException.ThrowIfNull(lease);
        routes.Add(1, new(ReplicaTag, NameOf(lease.Replica)), new(RouteTag, RouteName(lease.Route)));
    }

    /// <summary>A turn refused by <paramref name="replica"/> before it streamed was sent to another.</summary>
    public void Retried(Uri replica, string reason) =>
        retries.Add(1, new(ReplicaTag, NameOf(replica)), new(ChatTelemetry.ReasonTag, reason));

    /// <summary>The tag value of a route.</summary>
    public static string RouteName(ReplicaRoute route) => route switch
    {
        ReplicaRoute.Affinity => "affinity",
        ReplicaRoute.Spilled => "spilled",
        ReplicaRoute.Moved => "moved",
        _ => "new",
    };

    private static IEnumerable<Measurement<int>> Read(ReplicaRouter? router, Func<ReplicaState, int> value) =>
        router?.Snapshot().Select(s => new Measurement<int>(value(s), new KeyValuePair<string, object?>(ReplicaTag, NameOf(s.BaseAddress)))) ?? [];

    /// <inheritdoc />
    public void Dispose() => meter.Dispose();
}

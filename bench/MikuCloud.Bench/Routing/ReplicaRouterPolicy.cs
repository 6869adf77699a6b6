using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using MikuCloud.Api.Ollama;
using MikuCloud.Api.Ollama.Routing;

namespace MikuCloud.Bench.Routing;

/// <summary>
/// The new routing: the API's own <see cref="ReplicaRouter"/> and <see cref="ReplicaHealth"/>, unchanged and set up
/// as <c>AddOllamaReplicas</c> sets them up, behind the simulation's policy interface. Replica <c>i</c> is
/// <c>http://ollama-i.ollama-headless:11434/</c>; a lease is the router's slot lease.
/// </summary>
public sealed class ReplicaRouterPolicy : IRoutingPolicy
{
    private readonly ReplicaHealth health;

    /// <summary>One API process's view: <paramref name="router"/> (maybe shared with other processes) and its own health counts.</summary>
    public ReplicaRouterPolicy(ReplicaRouter router, int replicas)
    {
        Router = router;
        var options = new OllamaReplicaOptions { Replicas = [.. Enumerable.Range(0, replicas).Select(r => Address(r).ToString())] };
        health = new ReplicaHealth(router, Options.Create(options), NullLogger<ReplicaHealth>.Instance);
    }

    public ReplicaRouter Router { get; }

    /// <summary>
    /// A router as the API builds one (overcommit when full, the default affinity bound and patience unless given), with
    /// scale-out's shared slots and affinity map when given.
    /// </summary>
    public static ReplicaRouter NewRouter(int replicas, int slots, IReplicaSlots? sharedSlots = null, int? affinityCapacity = null, int? affinityQueueSlots = null,
        IReplicaAffinity? sharedAffinity = null)
    {
        var defaults = new OllamaReplicaOptions();
        return new(Enumerable.Range(0, replicas).Select(i => new OllamaReplica(Address(i), slots)), sharedSlots ?? new InProcessReplicaSlots(), new ReplicaRouterOptions
        {
            AffinityCapacity = affinityCapacity ?? defaults.AffinityCapacity,
            AffinityQueueSlots = affinityQueueSlots ?? defaults.AffinityQueueSlots,
            OvercommitWhenFull = true,
        }, sharedAffinity);
    }

    public static Uri Address(int replica) => new($"http://ollama-{replica}.ollama-headless:11434/");

    public RouteLease? Route(string conversationKey, IReadOnlyCollection<int> exclude)
    {
        var avoid = exclude.Count == 0 ? null : exclude.Select(Address).ToHashSet();
        var pending = Router.TryRouteAsync(conversationKey, avoid);
        // In-process slots answer synchronously; the simulation has no thread to wait on anything else.
        if (!pending.IsCompletedSuccessfully)
        {
            throw new InvalidOperationException("ReplicaRouter.TryRouteAsync did not complete synchronously over in-process slots.");
        }

        return pending.Result is { } lease ? new RouteLease(IndexOf(lease.Replica), lease.Dispose) : null;
    }

    /// <summary>A refused connection or a failed poll: <see cref="ReplicaHealth"/> decides when the router stops using it.</summary>
    public void MarkFailed(int replica) => health.Failed(Address(replica), "simulated failure");

    public void MarkHealthy(int replica) => health.Succeeded(Address(replica));

    private static int IndexOf(Uri address) =>
        int.Parse(address.Host["ollama-".Length..address.Host.IndexOf('.', StringComparison.Ordinal)], System.Globalization.CultureInfo.InvariantCulture);
}

using MikuCloud.Api.Ollama.Routing;

namespace MikuCloud.Bench.Routing;

/// <summary>
/// The new routing: the API's own <see cref="ReplicaRouter"/>, unchanged, behind the simulation's policy interface.
/// Replica <c>i</c> is <c>http://ollama-i.ollama-headless:11434/</c>; a lease is the router's slot lease.
/// </summary>
public sealed class ReplicaRouterPolicy(ReplicaRouter router) : IRoutingPolicy
{
    public ReplicaRouter Router { get; } = router;

    /// <summary>The replica set a router of <paramref name="replicas"/> replicas with <paramref name="slots"/> slots each starts from.</summary>
    public static IEnumerable<OllamaReplica> Replicas(int replicas, int slots) =>
        Enumerable.Range(0, replicas).Select(i => new OllamaReplica(Address(i), slots));

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

    public void MarkFailed(int replica) => Router.MarkFailed(Address(replica));

    public void MarkHealthy(int replica) => Router.MarkHealthy(Address(replica));

    private static int IndexOf(Uri address) => int.Parse(address.Host["ollama-".Length..address.Host.IndexOf('.', StringComparison.Ordinal)], System.Globalization.CultureInfo.InvariantCulture);
}

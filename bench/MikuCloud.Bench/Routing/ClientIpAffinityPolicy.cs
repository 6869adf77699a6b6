namespace MikuCloud.Bench.Routing;

/// <summary>
/// Today's cluster overlay: the API calls the <c>ollama</c> Service, whose <c>sessionAffinity: ClientIP</c> pins each
/// API pod (one client address) to the replica kube-proxy picked for its first connection, at random among the ready
/// ones, for <c>timeoutSeconds</c> (an hour). The API cannot choose or avoid a replica: a retry goes where the pin
/// points until kube-proxy drops a dead endpoint, and a pin moved away from a dead replica does not move back.
/// </summary>
public sealed class ClientIpAffinityPolicy(ServiceEndpoints service, Random random) : IRoutingPolicy
{
    private int? pinned;

    public RouteLease? Route(string conversationKey, IReadOnlyCollection<int> exclude)
    {
        if (pinned is not { } replica || !service.IsReady(replica))
        {
            var ready = service.Ready;
            // With no ready endpoint kube-proxy rejects the connection; the last pin gets the (failing) attempt.
            pinned = ready.Count == 0 ? pinned ?? 0 : ready[random.Next(ready.Count)];
        }

        return new RouteLease(pinned.Value);
    }

    public void MarkFailed(int replica)
    {
    }

    public void MarkHealthy(int replica)
    {
    }
}

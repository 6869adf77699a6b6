namespace MikuCloud.Bench.Routing;

/// <summary>
/// Round-robin in each API process over the replicas it believes healthy, blind to conversations: a Service without
/// session affinity, or a naive client-side balancer. The baseline for load spread with no cache reuse.
/// </summary>
public sealed class RoundRobinPolicy(int replicas) : IRoutingPolicy
{
    private readonly bool[] failed = new bool[replicas];
    private int next;

    public RouteLease? Route(string conversationKey, IReadOnlyCollection<int> exclude)
    {
        for (var i = 0; i < replicas; i++)
        {
            var candidate = (next + i) % replicas;
            if (!failed[candidate] && !exclude.Contains(candidate))
            {
                next = candidate + 1;
                return new RouteLease(candidate);
            }
        }

        // Nothing looks usable: try the next one anyway rather than fail the turn without an attempt.
        return new RouteLease(next++ % replicas);
    }

    public void MarkFailed(int replica) => failed[replica] = true;

    public void MarkHealthy(int replica) => failed[replica] = false;
}

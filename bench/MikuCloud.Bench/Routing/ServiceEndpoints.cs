namespace MikuCloud.Bench.Routing;

/// <summary>
/// The <c>ollama</c> Service's ready endpoints as kube-proxy sees them: a replica leaves the set a little after its
/// process dies (the kubelet notices, the EndpointSlice and then every node's rules follow) and rejoins a little after
/// it is back (its readiness probe passes). Shared by every API process, as the cluster's network is.
/// </summary>
public sealed class ServiceEndpoints(int replicas, SimulationLoop loop)
{
    /// <summary>From a replica's death to kube-proxy no longer sending it traffic (a container exit; a lost node takes ~40 s).</summary>
    public const double RemoveAfterSeconds = 3;

    /// <summary>From a replica back up to ready again (the readiness probe's period is 15 s).</summary>
    public const double AddAfterSeconds = 15;

    private readonly bool[] ready = Enumerable.Repeat(true, replicas).ToArray();

    public bool IsReady(int replica) => ready[replica];

    public IReadOnlyList<int> Ready => [.. Enumerable.Range(0, ready.Length).Where(r => ready[r])];

    /// <summary>Follows a replica's death and restart with the lags above.</summary>
    public void Died(int replica, double restartSeconds)
    {
        loop.After(RemoveAfterSeconds, () => ready[replica] = false);
        loop.After(restartSeconds + AddAfterSeconds, () => ready[replica] = true);
    }
}

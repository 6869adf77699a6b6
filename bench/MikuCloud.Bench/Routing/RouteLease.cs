namespace MikuCloud.Bench.Routing;

/// <summary>A routing decision: the replica a turn's attempt goes to, and what to give back when the attempt is over.</summary>
public sealed class RouteLease(int replica, Action? release = null)
{
    private Action? release = release;

    public int Replica { get; } = replica;

    /// <summary>Gives the router's slot back (once; later calls do nothing).</summary>
    public void Release()
    {
        var action = release;
        release = null;
        action?.Invoke();
    }
}

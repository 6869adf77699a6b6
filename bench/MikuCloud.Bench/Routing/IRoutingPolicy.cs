namespace MikuCloud.Bench.Routing;

/// <summary>
/// How one API process picks the Ollama replica for a turn: what a routing policy can see from inside one process
/// (its own traffic and its own failed calls, never the other processes').
/// </summary>
public interface IRoutingPolicy
{
    /// <summary>
    /// The replica for a turn of <paramref name="conversationKey"/>, avoiding the <paramref name="exclude"/>d ones where
    /// the policy can; null when every replica is saturated in this process's view (the turn waits in the process).
    /// </summary>
    RouteLease? Route(string conversationKey, IReadOnlyCollection<int> exclude);

    /// <summary>A call to <paramref name="replica"/> failed before streaming (refused or reset), or a probe failed.</summary>
    void MarkFailed(int replica);

    /// <summary>A probe of <paramref name="replica"/> succeeded.</summary>
    void MarkHealthy(int replica);
}

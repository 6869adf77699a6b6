namespace MikuCloud.Api.Ollama.Routing;

/// <summary>One replica as the router sees it now: for telemetry, the admin view and the simulation benchmark.</summary>
/// <param name="BaseAddress">The replica.</param>
/// <param name="Slots">Its generation slots (<c>OLLAMA_NUM_PARALLEL</c>).</param>
/// <param name="Busy">Slots taken now (may exceed <paramref name="Slots"/>: returning turns queued there by affinity patience, or a full house overcommitted).</param>
/// <param name="Healthy">Whether it gets new turns.</param>
/// <param name="Affinities">Conversations whose next turn goes here (their prompt prefix is in its KV cache).</param>
/// <param name="Routed">Turns routed here since the router started.</param>
/// <param name="AffinityHits">Of those, turns that came back to the replica holding their conversation.</param>
public sealed record ReplicaState(Uri BaseAddress, int Slots, int Busy, bool Healthy, int Affinities, long Routed, long AffinityHits);

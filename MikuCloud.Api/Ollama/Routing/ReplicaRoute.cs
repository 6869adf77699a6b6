namespace MikuCloud.Api.Ollama.Routing;

/// <summary>Why a turn went to the replica it went to (the <c>route</c> tag of the turn's telemetry).</summary>
public enum ReplicaRoute
{
    /// <summary>No affinity key, or a key seen for the first time: the least-loaded healthy replica.</summary>
    New,

    /// <summary>Back to the replica holding the conversation: an affinity hit.</summary>
    Affinity,

    /// <summary>The conversation's replica was full: spilled to the least-loaded other, and the affinity moved there.</summary>
    Spilled,

    /// <summary>The conversation's replica is failed, excluded or gone: moved to the least-loaded other.</summary>
    Moved,
}

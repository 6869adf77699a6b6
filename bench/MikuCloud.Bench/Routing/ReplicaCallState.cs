namespace MikuCloud.Bench.Routing;

/// <summary>Where an attempt is inside a replica.</summary>
public enum ReplicaCallState
{
    /// <summary>Waiting for a free slot (Ollama's queue).</summary>
    Queued,

    /// <summary>Has a slot; its uncached prompt is being prefilled (or waits for the GPU to prefill it).</summary>
    Prefill,

    /// <summary>Its first token is out: the answer streams.</summary>
    Streaming,

    /// <summary>Finished, failed or cut.</summary>
    Done,
}

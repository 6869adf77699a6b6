namespace MikuCloud.Api.Ollama;

/// <summary>
/// Which Ollama replicas the API routes turns to (section <c>Ollama</c>). Neither <see cref="Replicas"/> nor
/// <see cref="ReplicasDns"/> set: one replica, the <c>ollama</c> connection string's endpoint, unwatched — as before.
/// </summary>
public sealed class OllamaReplicaOptions
{
    /// <summary>The configuration section.</summary>
    public const string SectionName = "Ollama";

    /// <summary>Base URLs of the replicas, e.g. <c>http://ollama-0.ollama:11434</c>.</summary>
    public List<string> Replicas { get; set; } = [];

    /// <summary>
    /// A name whose A/AAAA records are the replicas (a Kubernetes headless Service), as <c>host</c>, <c>host:port</c> or
    /// <c>http://host:port</c>; resolved again every <see cref="DnsRefreshSeconds"/>. Port 11434 when none is given.
    /// </summary>
    public string? ReplicasDns { get; set; }

    /// <summary>Generation slots per replica (its <c>OLLAMA_NUM_PARALLEL</c>); default <c>Chat:MaxConcurrentGenerations</c>.</summary>
    public int? ReplicaSlots { get; set; }

    /// <summary>Seconds between health polls of each replica (<c>/api/version</c>, then <c>/api/ps</c>).</summary>
    public double HealthPollSeconds { get; set; } = 3;

    /// <summary>Failed polls (or refused connections of turns) in a row before a replica gets no new turns. One success brings it back.</summary>
    public int FailuresBeforeUnhealthy { get; set; } = 2;

    /// <summary>Seconds between resolutions of <see cref="ReplicasDns"/>.</summary>
    public double DnsRefreshSeconds { get; set; } = 15;

    /// <summary>Conversations whose replica is remembered (least recently routed forgotten first).</summary>
    public int AffinityCapacity { get; set; } = 100_000;

    /// <summary>
    /// Turns of returning conversations that may queue at their own replica beyond its slots rather than spill to
    /// another replica and prefill the whole conversation there (<see cref="Routing.ReplicaRouterOptions.AffinityQueueSlots"/>).
    /// </summary>
    public int AffinityQueueSlots { get; set; } = new Routing.ReplicaRouterOptions().AffinityQueueSlots;

    /// <summary>Whether replicas are configured (a list or a DNS name) rather than the one endpoint of the connection string.</summary>
    public bool Configured => Replicas.Count > 0 || !string.IsNullOrWhiteSpace(ReplicasDns);
}

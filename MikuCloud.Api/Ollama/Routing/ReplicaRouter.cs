namespace MikuCloud.Api.Ollama.Routing;

/// <summary>
/// Chooses the Ollama replica for each turn and takes one of its slots. Pure decision logic over in-process state (no
/// HTTP, no clock): the API's turns, its health poll and the simulation benchmark all drive the same instance.
/// </summary>
/// <remarks>
/// <para>The rules, in order:</para>
/// <list type="number">
/// <item>A conversation (its affinity key) goes back to the replica that answered it last while that replica is
/// healthy, not excluded and has a free slot: its prompt prefix is still in that replica's KV cache. A full one still
/// takes it while it holds fewer turns than its slots plus <see cref="ReplicaRouterOptions.AffinityQueueSlots"/>
/// (affinity patience: a few seconds' wait for a slot beats prefilling the whole conversation again elsewhere).</item>
/// <item>Otherwise — a new conversation, no key, or the replica is full past that allowance, failed or gone — the
/// least-loaded healthy replica with a free slot (busy ÷ slots; ties: fewest conversations held, then the configured
/// order), and the conversation's affinity moves there (its prefix is about to be cached there).</item>
/// <item>No healthy replica with a free slot: null, or the least-loaded anyway under
/// <see cref="ReplicaRouterOptions.OvercommitWhenFull"/>.</item>
/// </list>
/// <para>A failed replica keeps its conversations in the map; each moves when its next turn is routed, so a replica
/// that comes back gets new conversations without pulling old ones away from the caches they have warmed since.</para>
/// </remarks>
public sealed class ReplicaRouter
{
    private readonly Lock gate = new();
    private readonly IReplicaSlots slots;
    private readonly ReplicaRouterOptions options;
    private readonly AffinityMap affinity;
    private readonly IReplicaAffinity? sharedAffinity;
    private List<Entry> replicas = [];

    /// <summary>
    /// A router over <paramref name="replicas"/>, counting slots in <paramref name="slots"/> (in process when null), and
    /// reading conversations' replicas from <paramref name="sharedAffinity"/> before its own map (none: its own only).
    /// </summary>
    public ReplicaRouter(IEnumerable<OllamaReplica> replicas, IReplicaSlots? slots = null, ReplicaRouterOptions? options = null,
        IReplicaAffinity? sharedAffinity = null)
    {
        this.slots = slots ?? new InProcessReplicaSlots();
        this.options = options ?? new ReplicaRouterOptions();
        this.sharedAffinity = sharedAffinity;
        affinity = new AffinityMap(Math.Max(1, this.options.AffinityCapacity));
        SetReplicas(replicas);
    }

    /// <summary>The replicas, in their stable order.</summary>
    public IReadOnlyList<OllamaReplica> Replicas
    {
        get { lock (gate) { return [.. replicas.Select(r => r.Replica)]; } }
    }

    /// <summary>
    /// Replaces the set (a DNS answer changed, a replica was scaled away). A replica still in the set keeps its health
    /// and counters; a new one starts as its <see cref="OllamaReplica.Healthy"/> says; conversations on a removed one
    /// move when their next turn is routed.
    /// </summary>
    public void SetReplicas(IEnumerable<OllamaReplica> replicas)
    {
        ArgumentNullException.ThrowIfNull(replicas);
        lock (gate)
        {
            var known = this.replicas.ToDictionary(r => r.Replica.BaseAddress);
            this.replicas = [.. replicas.DistinctBy(r => r.BaseAddress).Select((r, i) => known.TryGetValue(r.BaseAddress, out var old)
                ? old.Renewed(r, i)
                : new Entry { Replica = r, Order = i, Healthy = r.Healthy })];
        }
    }

    /// <summary>
    /// Chooses a replica for a turn and takes one of its slots; dispose the lease when the turn ends. Completes
    /// synchronously over <see cref="InProcessReplicaSlots"/>.
    /// </summary>
    /// <param name="affinityKey">The conversation (null: no affinity, e.g. a one-off request).</param>
    /// <param name="exclude">Replicas not to use (one that just failed this turn, for its one retry).</param>
    /// <param name="cancellationToken">Ends a wait on a shared slot store.</param>
    /// <returns>The lease, or null when no healthy replica outside <paramref name="exclude"/> has a free slot.</returns>
    public async ValueTask<ReplicaLease?> TryRouteAsync(string? affinityKey, IReadOnlySet<Uri>? exclude = null, CancellationToken cancellationToken = default)
    {
        // Another API process may have routed this conversation's last turn: the shared map knows; this router's own
        // map answers when there is none (or it forgot).
        var shared = affinityKey is not null && sharedAffinity is not null ? await sharedAffinity.FindAsync(affinityKey, cancellationToken) : null;
        Uri? affine;
        List<Entry> ranked;
        lock (gate)
        {
            affine = affinityKey is null ? null : shared ?? affinity.Find(affinityKey);
            ranked = [.. replicas.Where(r => r.Healthy && exclude?.Contains(r.Replica.BaseAddress) != true)
                .OrderBy(r => r.Replica.BaseAddress == affine ? 0 : 1)
                .ThenBy(r => Load(r))
                .ThenBy(r => affinity.CountFor(r.Replica.BaseAddress))
                .ThenBy(r => r.Order)];
        }

        var usable = affine is not null && ranked.Count > 0 && ranked[0].Replica.BaseAddress == affine;
        foreach (var candidate in ranked)
        {
            if (await slots.TryTakeAsync(candidate.Replica.BaseAddress, LimitFor(candidate, affine), cancellationToken))
            {
                return Routed(candidate, overcommitted: false);
            }
        }

        if (!options.OvercommitWhenFull || ranked.Count == 0)
        {
            return null;
        }

        // Full house: the least loaded (the conversation's own replica on a tie: its cache saves the prefill).
        var least = ranked.OrderBy(Load).ThenBy(r => r.Replica.BaseAddress == affine ? 0 : 1).First();
        await slots.TryTakeAsync(least.Replica.BaseAddress, int.MaxValue, cancellationToken);
        return Routed(least, overcommitted: true);

        ReplicaLease Routed(Entry chosen, bool overcommitted)
        {
            var address = chosen.Replica.BaseAddress;
            var route = affine is null ? ReplicaRoute.New
                : address == affine ? ReplicaRoute.Affinity
                : usable ? ReplicaRoute.Spilled
                : ReplicaRoute.Moved;
            lock (gate)
            {
                chosen.Routed++;
                if (route == ReplicaRoute.Affinity)
                {
                    chosen.AffinityHits++;
                }

                if (affinityKey is not null)
                {
                    affinity.Set(affinityKey, address);
                }
            }

            if (affinityKey is not null)
            {
                // Every turn, not only a move: it keeps an active conversation's entry from expiring.
                sharedAffinity?.Remember(affinityKey, address);
            }

            return new ReplicaLease(slots, address, route, overcommitted);
        }
    }

    /// <summary>The replica answers again: it gets new turns. True when it was failed until now.</summary>
    public bool MarkHealthy(Uri replica) => SetHealth(replica, healthy: true);

    /// <summary>
    /// The replica failed: it gets no new turns until <see cref="MarkHealthy"/>; its conversations move on their next
    /// turn. True when it was healthy until now.
    /// </summary>
    public bool MarkFailed(Uri replica) => SetHealth(replica, healthy: false);

    /// <summary>Each replica's slots, load, health and affinity counters, in the stable order.</summary>
    public IReadOnlyList<ReplicaState> Snapshot()
    {
        lock (gate)
        {
            return [.. replicas.Select(r => new ReplicaState(r.Replica.BaseAddress, r.Replica.Slots, slots.Busy(r.Replica.BaseAddress), r.Healthy,
                affinity.CountFor(r.Replica.BaseAddress), r.Routed, r.AffinityHits))];
        }
    }

    private bool SetHealth(Uri replica, bool healthy)
    {
        lock (gate)
        {
            var changed = false;
            foreach (var entry in replicas.Where(r => r.Replica.BaseAddress == replica && r.Healthy != healthy))
            {
                entry.Healthy = healthy;
                changed = true;
            }

            return changed;
        }
    }

    /// <summary>
    /// How many turns <paramref name="candidate"/> may hold, this one included: its slots; on the conversation's own
    /// replica also <see cref="ReplicaRouterOptions.AffinityQueueSlots"/> more, queued in Ollama, because there the
    /// turn prefills only its new question. New conversations and spills take free slots only, so the allowance is
    /// kept for the turns it pays off for.
    /// </summary>
    private int LimitFor(Entry candidate, Uri? affine) =>
        candidate.Replica.BaseAddress == affine ? candidate.Replica.Slots + Math.Max(0, options.AffinityQueueSlots) : candidate.Replica.Slots;

    private double Load(Entry entry) => (double)slots.Busy(entry.Replica.BaseAddress) / Math.Max(1, entry.Replica.Slots);

    /// <summary>A replica and what the router keeps about it (changed only under the lock).</summary>
    private sealed class Entry
    {
        public required OllamaReplica Replica { get; set; }

        public required int Order { get; set; }

        public bool Healthy { get; set; }

        public long Routed { get; set; }

        public long AffinityHits { get; set; }

        /// <summary>The same replica from a new answer (its slots may have changed): keeps health and counters.</summary>
        public Entry Renewed(OllamaReplica replica, int order)
        {
            (Replica, Order) = (replica, order);
            return this;
        }
    }
}

using MikuCloud.Api.Ollama.Routing;

namespace MikuCloud.Tests.Ollama;

public class ReplicaRouterTests
{
    private static readonly Uri A = new("http://10.0.0.1:11434/"), B = new("http://10.0.0.2:11434/"), C = new("http://10.0.0.3:11434/");

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private static ReplicaRouter Router(int slots = 2, IReplicaSlots? shared = null, ReplicaRouterOptions? options = null, params Uri[] replicas) =>
        new((replicas.Length == 0 ? [A, B, C] : replicas).Select(r => new OllamaReplica(r, slots)), shared, options);

    /// <summary>Routes one turn and ends it at once (the slot goes back).</summary>
    private static async Task<ReplicaLease> TurnAsync(ReplicaRouter router, string? key, IReadOnlySet<Uri>? exclude = null)
    {
        var lease = await router.TryRouteAsync(key, exclude, Ct);
        Assert.NotNull(lease);
        lease.Dispose();
        return lease;
    }

    [Fact]
    public async Task A_conversation_goes_back_to_the_replica_that_answered_it_while_others_spread()
    {
        var router = Router();

        var first = await TurnAsync(router, "alice");
        var other = await TurnAsync(router, "bob");
        var again = await Task.WhenAll(Enumerable.Range(0, 5).Select(_ => TurnAsync(router, "alice")));

        Assert.Equal(ReplicaRoute.New, first.Route);
        Assert.NotEqual(first.Replica, other.Replica);
        Assert.All(again, l => Assert.Equal((first.Replica, ReplicaRoute.Affinity), (l.Replica, l.Route)));
        var state = router.Snapshot().Single(s => s.BaseAddress == first.Replica);
        Assert.Equal((6L, 5L, 1, 0), (state.Routed, state.AffinityHits, state.Affinities, state.Busy));
    }

    [Fact]
    public async Task A_new_conversation_goes_to_the_least_loaded_replica_then_to_the_one_holding_fewest_conversations()
    {
        var router = Router(slots: 4);
        using var a1 = await router.TryRouteAsync(null, cancellationToken: Ct);
        using var a2 = await router.TryRouteAsync(null, cancellationToken: Ct);
        using var a3 = await router.TryRouteAsync(null, cancellationToken: Ct);
        Assert.Equal([A, B, C], new[] { a1!.Replica, a2!.Replica, a3!.Replica }); // all idle: the configured order
        using var busyB = await router.TryRouteAsync(null, exclude: new HashSet<Uri> { A, C }, Ct);

        var least = await TurnAsync(router, "new"); // A and C carry one turn each, B two: A and C tie on load, and on conversations
        var next = await TurnAsync(router, "newer"); // A now holds a conversation, C none

        Assert.Equal((A, C), (least.Replica, next.Replica));
    }

    [Fact]
    public async Task A_full_replica_spills_its_conversation_to_the_least_loaded_other_and_the_affinity_moves_there()
    {
        var slots = new InProcessReplicaSlots();
        var router = Router(slots: 1, shared: slots);
        var home = (await TurnAsync(router, "alice")).Replica;
        using var busyC = await router.TryRouteAsync(null, exclude: new HashSet<Uri> { A, B }, Ct);
        // Another API process fills alice's replica: its slot and the one place a returning turn may queue in by default.
        Assert.True(await slots.TryTakeAsync(home, 2, Ct));
        Assert.True(await slots.TryTakeAsync(home, 2, Ct));

        var spilled = await TurnAsync(router, "alice");
        slots.Release(home);
        slots.Release(home);
        var after = await TurnAsync(router, "alice");

        Assert.Equal((B, ReplicaRoute.Spilled), (spilled.Replica, spilled.Route));
        Assert.Equal((B, ReplicaRoute.Affinity), (after.Replica, after.Route));
        Assert.Equal([0, 1, 0], router.Snapshot().Select(s => s.Affinities));
    }

    [Fact]
    public async Task A_failed_replica_gets_no_new_turns_and_its_conversations_move_and_stay_moved()
    {
        var router = Router();
        var home = (await TurnAsync(router, "alice")).Replica;

        Assert.True(router.MarkFailed(home));
        var routed = await Task.WhenAll(Enumerable.Range(0, 20).Select(i => TurnAsync(router, $"user{i}")));
        var moved = await TurnAsync(router, "alice");
        router.MarkHealthy(home);
        var after = await TurnAsync(router, "alice");

        Assert.DoesNotContain(routed, l => l.Replica == home);
        Assert.NotEqual(home, moved.Replica);
        Assert.Equal(ReplicaRoute.Moved, moved.Route);
        Assert.Equal((moved.Replica, ReplicaRoute.Affinity), (after.Replica, after.Route)); // its prefix is cached there now
        Assert.True(router.Snapshot().Single(s => s.BaseAddress == home).Healthy);
    }

    [Fact]
    public async Task A_replica_coming_back_gets_the_new_conversations()
    {
        var router = Router();
        router.MarkFailed(C);
        await Task.WhenAll(Enumerable.Range(0, 4).Select(i => TurnAsync(router, $"early{i}")));

        Assert.True(router.MarkHealthy(C));
        Assert.False(router.MarkHealthy(C)); // already healthy: nothing changed
        var next = await TurnAsync(router, "late");

        Assert.Equal(C, next.Replica); // as idle as the others, and holding no conversation
        Assert.Equal([2, 2, 1], router.Snapshot().Select(s => s.Affinities));
    }

    [Fact]
    public async Task The_affinity_map_forgets_the_least_recently_routed_conversation_past_its_capacity()
    {
        var router = Router(options: new ReplicaRouterOptions { AffinityCapacity = 2 });

        await TurnAsync(router, "x");
        await TurnAsync(router, "y");
        await TurnAsync(router, "x"); // x is now the most recent
        await TurnAsync(router, "z"); // past capacity: y goes

        Assert.Equal(ReplicaRoute.New, (await TurnAsync(router, "y")).Route);
        Assert.Equal(ReplicaRoute.Affinity, (await TurnAsync(router, "y")).Route);
        Assert.Equal(2, router.Snapshot().Sum(s => s.Affinities));
    }

    [Fact]
    public async Task With_every_replica_full_there_is_no_lease_unless_the_router_may_overcommit_the_least_loaded()
    {
        var strict = Router(slots: 1, replicas: [A, B]);
        var held = new[] { await strict.TryRouteAsync("x", cancellationToken: Ct), await strict.TryRouteAsync("y", cancellationToken: Ct) };
        // No affinity patience here: k1 would take its replica's queue place before overcommitting (ReplicaRouterPatienceTests).
        var lenient = Router(slots: 2, options: new ReplicaRouterOptions { OvercommitWhenFull = true, AffinityQueueSlots = 0 }, replicas: [A, B]);
        var full = await Task.WhenAll(Enumerable.Range(0, 4).Select(i => lenient.TryRouteAsync($"k{i}", cancellationToken: Ct).AsTask()));

        Assert.Null(await strict.TryRouteAsync("z", cancellationToken: Ct));
        var over = await lenient.TryRouteAsync("k1", cancellationToken: Ct);

        Assert.All(held, l => Assert.NotNull(l));
        Assert.All(full, l => Assert.False(l!.Overcommitted));
        Assert.True(over!.Overcommitted);
        Assert.Equal(full[1]!.Replica, over.Replica); // a tie on load: k1's own replica, whose cache saves the prefill
        Assert.Equal([2, 3], lenient.Snapshot().Select(s => s.Busy).Order());
    }

    [Fact]
    public async Task An_excluded_replica_is_not_used_and_a_lone_excluded_replica_means_no_lease()
    {
        var router = Router(replicas: [A, B]);
        var home = (await TurnAsync(router, "alice")).Replica;

        var elsewhere = await TurnAsync(router, "alice", new HashSet<Uri> { home });
        var lone = Router(replicas: [A]);

        Assert.NotEqual(home, elsewhere.Replica);
        Assert.Null(await lone.TryRouteAsync("alice", new HashSet<Uri> { A }, Ct));
    }

    [Fact]
    public async Task A_lease_gives_its_slot_back_once_however_often_it_is_disposed()
    {
        var router = Router(replicas: [A]);
        var first = await router.TryRouteAsync(null, cancellationToken: Ct);
        var second = await router.TryRouteAsync(null, cancellationToken: Ct);

        first!.Dispose();
        first.Dispose();

        Assert.Equal(1, router.Snapshot()[0].Busy);
        second!.Dispose();
        Assert.Equal(0, router.Snapshot()[0].Busy);
    }

    [Fact]
    public async Task A_new_set_of_replicas_keeps_the_health_of_those_still_in_it_and_moves_conversations_off_the_removed()
    {
        var router = Router();
        var onC = await TurnAsync(router, "c", new HashSet<Uri> { A, B });
        router.MarkFailed(B);

        router.SetReplicas([new OllamaReplica(B, 2), new OllamaReplica(A, 2, Healthy: false)]);
        var moved = await TurnAsync(router, "c");

        Assert.Equal(C, onC.Replica);
        Assert.Equal([(B, false), (A, true)], router.Snapshot().Select(s => (s.BaseAddress, s.Healthy)));
        Assert.Equal((A, ReplicaRoute.Moved), (moved.Replica, moved.Route));
    }

    [Fact]
    public async Task Many_turns_at_once_never_take_more_slots_than_the_replicas_have()
    {
        // No affinity patience: its queue places have a test of their own (ReplicaRouterPatienceTests).
        var router = Router(slots: 3, options: new ReplicaRouterOptions { AffinityQueueSlots = 0 });
        var leases = await Task.WhenAll(Enumerable.Range(0, 50).Select(i => Task.Run(() => router.TryRouteAsync($"u{i % 7}", cancellationToken: Ct).AsTask(), Ct)));

        Assert.Equal(9, leases.Count(l => l is not null));
        Assert.All(router.Snapshot(), s => Assert.Equal(3, s.Busy));
        foreach (var lease in leases)
        {
            lease?.Dispose();
        }

        Assert.All(router.Snapshot(), s => Assert.Equal(0, s.Busy));
    }
}

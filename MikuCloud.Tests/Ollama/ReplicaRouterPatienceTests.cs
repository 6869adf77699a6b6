using MikuCloud.Api.Ollama.Routing;

namespace MikuCloud.Tests.Ollama;

/// <summary>
/// Affinity patience (<see cref="ReplicaRouterOptions.AffinityQueueSlots"/>): a returning conversation may queue at its
/// own full replica, where only its new question needs a prefill, up to the allowance; everything else takes free
/// slots only. Slots are filled through a shared <see cref="InProcessReplicaSlots"/>, as another API process would.
/// </summary>
public class ReplicaRouterPatienceTests
{
    private static readonly Uri A = new("http://10.0.0.1:11434/"), B = new("http://10.0.0.2:11434/"), C = new("http://10.0.0.3:11434/");

    private readonly InProcessReplicaSlots slots = new();

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private ReplicaRouter Router(int queueSlots, bool overcommit = false, params Uri[] replicas) =>
        new((replicas.Length == 0 ? [A, B, C] : replicas).Select(r => new OllamaReplica(r, Slots: 1)), slots,
            new ReplicaRouterOptions { AffinityQueueSlots = queueSlots, OvercommitWhenFull = overcommit });

    /// <summary>Answers one turn of <paramref name="key"/> (the slot goes back): the replica now holds the conversation.</summary>
    private static async Task<Uri> AnsweredAsync(ReplicaRouter router, string key, IReadOnlySet<Uri>? exclude = null)
    {
        using var lease = await router.TryRouteAsync(key, exclude, Ct);
        return lease!.Replica;
    }

    /// <summary>Another process's turns take <paramref name="turns"/> places at <paramref name="replica"/>.</summary>
    private async Task FillAsync(Uri replica, int turns)
    {
        for (var i = 0; i < turns; i++)
        {
            Assert.True(await slots.TryTakeAsync(replica, int.MaxValue, Ct));
        }
    }

    [Fact]
    public async Task By_default_one_returning_turn_may_queue_at_its_full_replica_and_the_next_spills()
    {
        var router = new ReplicaRouter([new OllamaReplica(A, Slots: 1), new OllamaReplica(B, Slots: 1)], slots);
        Assert.Equal(A, await AnsweredAsync(router, "alice"));
        await FillAsync(A, 1);

        using var queued = await router.TryRouteAsync("alice", cancellationToken: Ct);
        using var spilled = await router.TryRouteAsync("alice", cancellationToken: Ct);

        Assert.Equal((A, ReplicaRoute.Affinity), (queued!.Replica, queued.Route));
        Assert.Equal((B, ReplicaRoute.Spilled), (spilled!.Replica, spilled.Route));
    }

    [Fact]
    public async Task A_returning_conversation_waits_at_its_full_replica_within_the_allowance_instead_of_spilling()
    {
        var router = Router(queueSlots: 2);
        var home = await AnsweredAsync(router, "alice");
        await FillAsync(home, 1); // the replica's one slot is taken

        using var first = await router.TryRouteAsync("alice", cancellationToken: Ct);
        using var second = await router.TryRouteAsync("alice", cancellationToken: Ct);

        Assert.Equal((home, ReplicaRoute.Affinity, false), (first!.Replica, first.Route, first.Overcommitted));
        Assert.Equal((home, ReplicaRoute.Affinity, false), (second!.Replica, second.Route, second.Overcommitted));
        Assert.Equal(3, router.Snapshot().Single(s => s.BaseAddress == home).Busy); // one generating, two queued in Ollama
        Assert.Equal([0, 0], router.Snapshot().Where(s => s.BaseAddress != home).Select(s => s.Busy));
    }

    [Fact]
    public async Task Beyond_the_allowance_a_returning_conversation_spills_to_the_least_loaded_other_and_its_affinity_moves()
    {
        var router = Router(queueSlots: 1);
        Assert.Equal(A, await AnsweredAsync(router, "alice"));
        await FillAsync(A, 2); // its slot and its one queue place
        await FillAsync(B, 1);

        var spilled = await AnsweredAsync(router, "alice");
        using var next = await router.TryRouteAsync("alice", cancellationToken: Ct);

        Assert.Equal(C, spilled);
        Assert.Equal((C, ReplicaRoute.Affinity), (next!.Replica, next.Route));
    }

    [Fact]
    public async Task With_no_allowance_a_returning_conversation_spills_as_soon_as_its_replica_is_full()
    {
        var router = Router(queueSlots: 0);
        var home = await AnsweredAsync(router, "alice");
        await FillAsync(home, 1);

        using var lease = await router.TryRouteAsync("alice", cancellationToken: Ct);

        Assert.NotEqual(home, lease!.Replica);
        Assert.Equal(ReplicaRoute.Spilled, lease.Route);
    }

    [Fact]
    public async Task New_conversations_keyless_turns_and_spills_never_take_a_queue_place()
    {
        var router = Router(queueSlots: 3);
        var homes = new[] { await AnsweredAsync(router, "alice"), await AnsweredAsync(router, "bob"), await AnsweredAsync(router, "carol") };
        await FillAsync(A, 1);
        await FillAsync(B, 1);
        await FillAsync(C, 1 + 3); // C's slot and its whole allowance: carol's next turn must spill

        var newcomer = await router.TryRouteAsync("dave", cancellationToken: Ct);
        var keyless = await router.TryRouteAsync(null, cancellationToken: Ct);
        var spill = await router.TryRouteAsync("carol", cancellationToken: Ct);
        using var returning = await router.TryRouteAsync("alice", cancellationToken: Ct);

        Assert.Equal([A, B, C], homes);
        Assert.Null(newcomer);
        Assert.Null(keyless);
        Assert.Null(spill); // A and B each have queue places left, but for alice's and bob's turns only
        Assert.Equal((A, ReplicaRoute.Affinity), (returning!.Replica, returning.Route));
    }

    [Fact]
    public async Task A_failed_or_excluded_replica_gets_no_returning_turn_however_much_allowance_it_has()
    {
        var router = Router(queueSlots: 4);
        Assert.Equal(A, await AnsweredAsync(router, "alice"));
        Assert.Equal(B, await AnsweredAsync(router, "bob"));
        await FillAsync(A, 1);
        await FillAsync(B, 1); // both full, both well within their allowance

        var retried = await router.TryRouteAsync("alice", exclude: new HashSet<Uri> { A }, cancellationToken: Ct); // its one retry
        router.MarkFailed(B);
        var whileFull = await router.TryRouteAsync("bob", cancellationToken: Ct);
        retried!.Dispose();
        using var moved = await router.TryRouteAsync("bob", cancellationToken: Ct);

        Assert.Equal((C, ReplicaRoute.Moved), (retried.Replica, retried.Route));
        Assert.Null(whileFull); // A and C are full, and a moved turn takes free slots only
        Assert.Equal((C, ReplicaRoute.Moved), (moved!.Replica, moved.Route));
    }

    [Fact]
    public async Task Past_its_allowance_with_every_replica_full_an_overcommitted_turn_still_prefers_its_own_replica_on_a_tie()
    {
        var router = Router(queueSlots: 1, overcommit: true, replicas: [A, B]);
        var home = await AnsweredAsync(router, "alice");
        await FillAsync(home, 2);
        await FillAsync(home == A ? B : A, 2);

        using var lease = await router.TryRouteAsync("alice", cancellationToken: Ct);

        Assert.Equal((home, ReplicaRoute.Affinity, true), (lease!.Replica, lease.Route, lease.Overcommitted));
    }

    [Fact]
    public async Task Many_returning_turns_at_once_never_take_more_than_the_slots_and_the_allowance()
    {
        var router = new ReplicaRouter([new OllamaReplica(A, Slots: 3)], slots, new ReplicaRouterOptions { AffinityQueueSlots = 2 });
        using var first = await router.TryRouteAsync("alice", cancellationToken: Ct); // alice is known from here on

        var leases = await Task.WhenAll(Enumerable.Range(0, 50).Select(_ => Task.Run(() => router.TryRouteAsync("alice", cancellationToken: Ct).AsTask(), Ct)));

        Assert.Equal(4, leases.Count(l => l is not null));
        Assert.Equal(5, router.Snapshot()[0].Busy);
        foreach (var lease in leases)
        {
            lease?.Dispose();
        }

        Assert.Equal(1, router.Snapshot()[0].Busy);
    }
}

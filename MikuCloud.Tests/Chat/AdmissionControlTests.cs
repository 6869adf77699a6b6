using Microsoft.Extensions.Options;
using MikuCloud.Api.Chat;

namespace MikuCloud.Tests.Chat;

public class AdmissionControlTests
{
    private static AdmissionControl Create(int slots, int queue, double timeoutSeconds = 30) =>
        new(Options.Create(new ChatServerOptions { MaxConcurrentGenerations = slots, MaxQueue = queue, QueueTimeout = TimeSpan.FromSeconds(timeoutSeconds) }));

    [Fact]
    public async Task Slots_then_queue_then_refusal()
    {
        var admission = Create(slots: 2, queue: 1);
        var ct = TestContext.Current.CancellationToken;

        var a = await admission.TryEnterAsync(ct);
        var b = await admission.TryEnterAsync(ct);
        var waiting = admission.TryEnterAsync(ct);
        var refused = await admission.TryEnterAsync(ct);

        Assert.NotNull(a);
        Assert.NotNull(b);
        Assert.False(waiting.IsCompleted);
        Assert.Null(refused);
        Assert.Equal((2, 1), (admission.Running, admission.Queued));

        a!.Dispose();
        var c = await waiting;
        Assert.NotNull(c);
        Assert.Equal((2, 0), (admission.Running, admission.Queued));
        b!.Dispose();
        c!.Dispose();
        c.Dispose(); // idempotent
        Assert.Equal(0, admission.Running);
    }

    [Fact]
    public async Task Waiters_are_served_first_come_first_served()
    {
        var admission = Create(slots: 1, queue: 10);
        var ct = TestContext.Current.CancellationToken;
        var holder = await admission.TryEnterAsync(ct);
        // Each call joins the queue before it first awaits, so this loop fixes the arrival order.
        var waiters = Enumerable.Range(0, 5).Select(_ => admission.TryEnterAsync(ct)).ToList();
        var order = new List<int>();

        holder!.Dispose();
        for (var served = 0; served < waiters.Count; served++)
        {
            var next = await Task.WhenAny(waiters.Where((_, i) => !order.Contains(i)));
            var index = waiters.IndexOf(next);
            order.Add(index);
            Assert.Equal(1, admission.Running);
            (await next)!.Dispose(); // hands the slot to the next in line
        }

        Assert.Equal([0, 1, 2, 3, 4], order);
    }

    [Fact]
    public async Task A_wait_that_times_out_gives_up_its_place()
    {
        var admission = Create(slots: 1, queue: 5, timeoutSeconds: 0.2);
        var ct = TestContext.Current.CancellationToken;
        using var holder = await admission.TryEnterAsync(ct);

        Assert.Null(await admission.TryEnterAsync(ct));
        Assert.Equal(0, admission.Queued);
    }

    [Fact]
    public async Task A_client_that_leaves_while_queued_frees_its_place()
    {
        var admission = Create(slots: 1, queue: 5);
        using var holder = await admission.TryEnterAsync(TestContext.Current.CancellationToken);
        using var gone = new CancellationTokenSource();

        var waiting = admission.TryEnterAsync(gone.Token);
        gone.Cancel();

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => waiting);
        Assert.Equal(0, admission.Queued);
    }

    [Fact]
    public async Task Background_work_takes_only_idle_slots_and_never_queues()
    {
        var admission = Create(slots: 2, queue: 4);
        var ct = TestContext.Current.CancellationToken;
        var chat = await admission.TryEnterAsync(ct);
        var batch = admission.TryEnterBackground();
        Assert.NotNull(batch);
        Assert.Null(admission.TryEnterBackground()); // full: refused at once, not queued
        Assert.Equal((2, 0, 1), (admission.Running, admission.Queued, admission.RunningInBackground));

        batch!.Dispose();
        var waiting = admission.TryEnterAsync(ct); // takes the freed slot at once
        Assert.True(waiting.IsCompleted);
        chat!.Dispose();
        (await waiting)!.Dispose();
        Assert.Equal((0, 0), (admission.Running, admission.RunningInBackground));
    }

    [Fact]
    public async Task A_chat_arriving_to_a_full_house_preempts_the_youngest_background_lease_and_gets_its_slot()
    {
        var admission = Create(slots: 2, queue: 4);
        var ct = TestContext.Current.CancellationToken;
        var older = admission.TryEnterBackground()!;
        var younger = admission.TryEnterBackground()!;

        var chat = admission.TryEnterAsync(ct);
        Assert.False(chat.IsCompleted);
        Assert.True(younger.Preempted.IsCancellationRequested);
        Assert.False(older.Preempted.IsCancellationRequested);
        Assert.Null(admission.TryEnterBackground()); // a chat waits: background work stays out

        younger.Dispose(); // the preempted item lets go: its slot goes straight to the chat
        var lease = await chat;
        Assert.NotNull(lease);
        Assert.False(older.Preempted.IsCancellationRequested);
        Assert.Equal((2, 1), (admission.Running, admission.RunningInBackground));
        lease!.Dispose();
        older.Dispose();
    }
}

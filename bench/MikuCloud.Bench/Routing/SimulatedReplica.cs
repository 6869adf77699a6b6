namespace MikuCloud.Bench.Routing;

/// <summary>
/// One Ollama replica in virtual time: a fixed number of slots with a FIFO queue in front, one prefill at a time
/// (the GPU), a prefix cache that spares the cached part of a prompt, then decode at a fixed rate per slot. It can be
/// killed (everything queued or prefilling fails, everything streaming is cut, the cache is gone) and comes back
/// empty after a restart.
/// </summary>
public sealed class SimulatedReplica
{
    private readonly ServingModel model;
    private readonly SimulationLoop loop;
    private readonly Queue<ReplicaCall> waiting = new();
    private readonly List<ReplicaCall> running = []; // a list, not a set: its order (and so the run) must not depend on object hash codes
    private double prefillFreeAt;
    private int incarnation;
    private double busyArea;
    private double busySince;

    public SimulatedReplica(int index, ServingModel model, SimulationLoop loop)
    {
        Index = index;
        this.model = model;
        this.loop = loop;
        Cache = model.PrefixCache == PrefixCacheModel.OllamaSlots ? new SlotPrefixCache(model.Slots) : new PrefixCache(model.CacheTokens);
    }

    public int Index { get; }

    public IPrefixCache Cache { get; }

    public bool Alive { get; private set; } = true;

    /// <summary>Slots generating now.</summary>
    public int Busy { get; private set; }

    /// <summary>Turns here now, generating or queued.</summary>
    public int InFlight => running.Count + waiting.Count;

    /// <summary>Busy slots integrated over time since the start: divide a difference by its interval for the time-averaged busy slots.</summary>
    public double BusySlotSeconds => busyArea + (Busy * (loop.Now - busySince));

    /// <summary>When the last restart brought it back, and when it then started its first turn (null: not since).</summary>
    public double? RestartedAt { get; private set; }

    public double? FirstTurnAfterRestartAt { get; private set; }

    /// <summary>An attempt arrives (after the network hop).</summary>
    public void Accept(ReplicaCall call)
    {
        if (!Alive)
        {
            call.State = ReplicaCallState.Done;
            loop.After(model.RefusedAfterSeconds, () => call.From.OnFailed(call));
            return;
        }

        call.State = ReplicaCallState.Queued;
        waiting.Enqueue(call);
        StartWaiting();
    }

    /// <summary>The process dies: nothing it held survives.</summary>
    public void Kill()
    {
        Alive = false;
        incarnation++;
        var failed = waiting.Concat(running.Where(c => c.State != ReplicaCallState.Streaming)).ToList();
        var cut = running.Where(c => c.State == ReplicaCallState.Streaming).ToList();
        waiting.Clear();
        running.Clear();
        SetBusy(0);
        Cache.Clear();
        prefillFreeAt = loop.Now;
        foreach (var call in failed)
        {
            call.State = ReplicaCallState.Done;
            call.From.OnFailed(call);
        }

        foreach (var call in cut)
        {
            call.State = ReplicaCallState.Done;
            call.From.OnCut(call);
        }

        loop.After(model.RestartSeconds, Restart);
    }

    private void Restart()
    {
        Alive = true;
        RestartedAt = loop.Now;
        FirstTurnAfterRestartAt = null;
    }

    private void StartWaiting()
    {
        while (Busy < model.Slots && waiting.TryDequeue(out var call))
        {
            SetBusy(Busy + 1);
            running.Add(call);
            if (RestartedAt is not null && FirstTurnAfterRestartAt is null)
            {
                FirstTurnAfterRestartAt = loop.Now;
            }

            var turn = call.Turn;
            turn.CachedTokens = Math.Min(Cache.Begin(turn.Conversation), turn.PromptTokens);
            turn.Replica = Index;
            var prefillStart = Math.Max(loop.Now, prefillFreeAt);
            prefillFreeAt = prefillStart + model.TurnOverheadSeconds + ((turn.PromptTokens - turn.CachedTokens) / model.PrefillTokensPerSecond);
            call.State = ReplicaCallState.Prefill;
            var life = incarnation;
            loop.At(prefillFreeAt, () => FirstToken(call, life));
        }
    }

    private void FirstToken(ReplicaCall call, int life)
    {
        if (life != incarnation)
        {
            return;
        }

        call.State = ReplicaCallState.Streaming;
        Cache.Hold(call.Turn.Conversation, call.Turn.PromptTokens);
        call.From.OnFirstToken(call);
        loop.After(call.Turn.AnswerTokens / model.DecodeTokensPerSecond, () => End(call, life));
    }

    private void End(ReplicaCall call, int life)
    {
        if (life != incarnation)
        {
            return;
        }

        // The answer's KV stays with the prompt's: the next turn's prompt starts with both.
        Cache.Hold(call.Turn.Conversation, call.Turn.PromptTokens + call.Turn.AnswerTokens);
        Cache.End(call.Turn.Conversation);
        call.State = ReplicaCallState.Done;
        running.Remove(call);
        SetBusy(Busy - 1);
        call.From.OnEnded(call);
        StartWaiting();
    }

    private void SetBusy(int value)
    {
        busyArea = BusySlotSeconds;
        busySince = loop.Now;
        Busy = value;
    }
}

namespace MikuCloud.Bench.Routing;

/// <summary>
/// The figures one run gives for the report. Steady state: turns sent between the warm-up and the kill. The kill:
/// every turn it touched, and how long the cluster took to have its full capacity back.
/// </summary>
public sealed record RoutingMetrics
{
    /// <summary>The restarted replica has recovered when it carries this share of the mean replica's busy slots (over <see cref="RecoveryWindowSeconds"/>).</summary>
    public const double RecoveredShare = 0.75;

    public const double RecoveryWindowSeconds = 30;

    public required string Policy { get; init; }

    public required int ApiProcesses { get; init; }

    /// <summary>Time to first token in milliseconds: first turns, second turns, third and later, and every turn after the first.</summary>
    public required Summary FirstTurn { get; init; }

    public required Summary SecondTurn { get; init; }

    public required Summary LaterTurns { get; init; }

    public required Summary AfterFirst { get; init; }

    /// <summary>Turns after the first whose whole conversation so far was cached where they ran.</summary>
    public required double HitRate { get; init; }

    /// <summary>Cached ÷ cacheable prompt tokens of turns after the first (partial hits count).</summary>
    public required double TokenHitRate { get; init; }

    /// <summary>Busy slots per replica, time-averaged: the mean over replicas and max ÷ mean.</summary>
    public required double MeanBusySlots { get; init; }

    public required double Imbalance { get; init; }

    /// <summary>Conversations open per replica, time-averaged (from a conversation's first question to its last answer's end).</summary>
    public required double OpenConversationsPerReplica { get; init; }

    /// <summary>Answers finished per minute.</summary>
    public required double TurnsPerMinute { get; init; }

    /// <summary>The kill: turns that never started streaming; turns cut mid-answer; turns answered after a failed attempt, and the slowest of those.</summary>
    public required int Lost { get; init; }

    public required int Cut { get; init; }

    public required int FailedOver { get; init; }

    public required double FailedOverWorstMs { get; init; }

    /// <summary>From the kill to the end of the first window in which the restarted replica carries its share again (null: not in the run).</summary>
    public required double? RecoverSeconds { get; init; }

    /// <summary>From the killed replica's restart to its first turn (null: never used again in the run).</summary>
    public required double? BackInUseSeconds { get; init; }

    public static RoutingMetrics From(SimulationRun run)
    {
        var scenario = run.Scenario;
        var steady = run.Turns.Where(t => t.SentAt >= scenario.WarmupSeconds && t.SentAt < scenario.SteadyEndSeconds).ToList();
        var answered = steady.Where(t => t.FirstTokenAt is not null).ToList();
        var later = answered.Where(t => t.Index > 1).ToList();
        var busy = run.SampleAt(scenario.SteadyEndSeconds).AverageSince(run.SampleAt(scenario.WarmupSeconds));
        var ended = run.Turns.Count(t => t.EndedAt is { } end && end >= scenario.WarmupSeconds && end < scenario.SteadyEndSeconds);
        var failedOver = run.Turns.Where(t => t.Outcome == TurnOutcome.Answered && t.FailedAttempts > 0).ToList();
        var cacheable = later.Sum(t => (double)t.PreviousTokens);
        return new RoutingMetrics
        {
            Policy = run.Policy,
            ApiProcesses = scenario.ApiProcesses,
            FirstTurn = Ttft(answered.Where(t => t.Index == 1)),
            SecondTurn = Ttft(answered.Where(t => t.Index == 2)),
            LaterTurns = Ttft(answered.Where(t => t.Index >= 3)),
            AfterFirst = Ttft(later),
            HitRate = later.Count == 0 ? double.NaN : later.Count(t => t.FullHit) / (double)later.Count,
            TokenHitRate = cacheable > 0 ? later.Sum(t => (double)Math.Min(t.CachedTokens, t.PreviousTokens)) / cacheable : double.NaN,
            MeanBusySlots = busy.Average(),
            Imbalance = busy.Average() is var mean and > 0 ? busy.Max() / mean : double.NaN,
            OpenConversationsPerReplica = OpenConversations(run) / scenario.Replicas,
            TurnsPerMinute = ended / ((scenario.SteadyEndSeconds - scenario.WarmupSeconds) / 60),
            // Only the kill fails or cuts turns; a turn sent just before it counts too (it was queued there).
            Lost = run.Turns.Count(t => t.Outcome == TurnOutcome.Lost),
            Cut = run.Turns.Count(t => t.Outcome == TurnOutcome.Cut),
            FailedOver = failedOver.Count,
            FailedOverWorstMs = failedOver.Count == 0 ? double.NaN : failedOver.Max(t => t.TimeToFirstToken!.Value) * 1000,
            RecoverSeconds = Recovery(run),
            BackInUseSeconds = run.BackInUseAt - run.RestartedAt,
        };
    }

    /// <summary>Conversations open at once, averaged over the steady window.</summary>
    private static double OpenConversations(SimulationRun run)
    {
        var (from, to) = (run.Scenario.WarmupSeconds, run.Scenario.SteadyEndSeconds);
        var open = run.Turns.GroupBy(t => t.Conversation)
            .Select(c => (Start: c.Min(t => t.SentAt), End: c.Max(t => t.EndedAt ?? to)))
            .Sum(c => Math.Max(0, Math.Min(c.End, to) - Math.Max(c.Start, from)));
        return open / (to - from);
    }

    private static Summary Ttft(IEnumerable<SimulatedTurn> turns) =>
        Summary.Of(turns.Select(t => t.TimeToFirstToken!.Value * 1000)); // Empty when there are none

    /// <summary>The end of the first window after the restart whose busy-slot average on the restarted replica reaches its share of the mean.</summary>
    private static double? Recovery(SimulationRun run)
    {
        if (run.KilledReplica is not { } killed || run.RestartedAt is not { } restarted || run.Scenario.KillAtSeconds is not { } killAt)
        {
            return null;
        }

        var windowSamples = (int)Math.Round(RecoveryWindowSeconds / run.Scenario.SampleEverySeconds);
        for (var i = windowSamples; i < run.Samples.Count; i++)
        {
            var (from, to) = (run.Samples[i - windowSamples], run.Samples[i]);
            if (from.At < restarted)
            {
                continue;
            }

            var busy = to.AverageSince(from);
            if (busy[killed] >= RecoveredShare * busy.Average())
            {
                return to.At - killAt;
            }
        }

        return null;
    }
}

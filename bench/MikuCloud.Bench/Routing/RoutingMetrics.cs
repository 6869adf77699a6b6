namespace MikuCloud.Bench.Routing;

/// <summary>
/// The figures one run gives for the report. Steady state: turns sent between the warm-up and the kill. After the
/// kill: every turn sent from the kill to the end.
/// </summary>
public sealed record RoutingMetrics
{
    /// <summary>A 60-second window's TTFT p50 above this multiple of the steady p50 means the cluster has not recovered.</summary>
    public const double RecoveredWithin = 1.5;

    private const double WindowSeconds = 60;
    private const double WindowStepSeconds = 10;

    public required string Policy { get; init; }

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

    public required double TurnsPerMinute { get; init; }

    /// <summary>After the kill: turns that never started streaming; turns cut mid-answer; turns answered after a failed attempt.</summary>
    public required int Lost { get; init; }

    public required int Cut { get; init; }

    public required int FailedOver { get; init; }

    /// <summary>From the kill until every later 60-s window's TTFT p50 is within <see cref="RecoveredWithin"/>× the steady p50 (null: not in the run).</summary>
    public required double? RecoverSeconds { get; init; }

    /// <summary>From the killed replica's restart to its first turn (null: never used again in the run).</summary>
    public required double? BackInUseSeconds { get; init; }

    public static RoutingMetrics From(SimulationRun run)
    {
        var scenario = run.Scenario;
        var steady = run.Turns.Where(t => t.SentAt >= scenario.WarmupSeconds && t.SentAt < scenario.SteadyEndSeconds).ToList();
        var answered = steady.Where(t => t.FirstTokenAt is not null).ToList();
        var later = answered.Where(t => t.Index > 1).ToList();
        var busy = run.BusyAtSteadyEnd.Select((b, i) => (b - run.BusyAtWarmup[i]) / (scenario.SteadyEndSeconds - scenario.WarmupSeconds)).ToList();
        var ended = run.Turns.Count(t => t.EndedAt is { } end && end >= scenario.WarmupSeconds && end < scenario.SteadyEndSeconds);
        var afterKill = scenario.KillAtSeconds is { } kill ? run.Turns.Where(t => t.SentAt >= kill).ToList() : [];
        return new RoutingMetrics
        {
            Policy = run.Policy,
            FirstTurn = Ttft(answered.Where(t => t.Index == 1)),
            SecondTurn = Ttft(answered.Where(t => t.Index == 2)),
            LaterTurns = Ttft(answered.Where(t => t.Index >= 3)),
            AfterFirst = Ttft(later),
            HitRate = later.Count == 0 ? double.NaN : later.Count(t => t.FullHit) / (double)later.Count,
            TokenHitRate = later.Sum(t => (double)t.PreviousTokens) is var cacheable and > 0 ? later.Sum(t => (double)Math.Min(t.CachedTokens, t.PreviousTokens)) / cacheable : double.NaN,
            MeanBusySlots = busy.Average(),
            Imbalance = busy.Average() is var mean and > 0 ? busy.Max() / mean : double.NaN,
            TurnsPerMinute = ended / ((scenario.SteadyEndSeconds - scenario.WarmupSeconds) / 60),
            // Killed turns from before the kill count too: a turn sent just before it can be queued there when it dies.
            Lost = run.Turns.Count(t => t.Outcome == TurnOutcome.Lost),
            Cut = run.Turns.Count(t => t.Outcome == TurnOutcome.Cut),
            FailedOver = run.Turns.Count(t => t.Outcome == TurnOutcome.Answered && t.FailedAttempts > 0),
            RecoverSeconds = scenario.KillAtSeconds is { } at ? Recovery(afterKill, at, scenario.DurationSeconds, Ttft(answered).P50) : null,
            BackInUseSeconds = run.BackInUseAt - run.RestartedAt,
        };
    }

    private static Summary Ttft(IEnumerable<SimulatedTurn> turns) =>
        turns.Select(t => t.TimeToFirstToken!.Value * 1000).ToList() is { Count: > 0 } ms ? Summary.Of(ms) : Summary.Empty;

    /// <summary>The first window start after which no 60-s window's p50 exceeds the bound again.</summary>
    private static double? Recovery(List<SimulatedTurn> afterKill, double killAt, double end, double steadyP50)
    {
        double? recovered = null;
        for (var start = killAt; start + WindowSeconds <= end; start += WindowStepSeconds)
        {
            var window = afterKill.Where(t => t.SentAt >= start && t.SentAt < start + WindowSeconds && t.FirstTokenAt is not null).ToList();
            var healthy = window.Count == 0 || Ttft(window).P50 <= RecoveredWithin * steadyP50;
            if (!healthy)
            {
                recovered = null;
            }
            else
            {
                recovered ??= start - killAt;
            }
        }

        return recovered;
    }
}

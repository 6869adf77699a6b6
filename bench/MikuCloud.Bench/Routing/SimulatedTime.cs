namespace MikuCloud.Bench.Routing;

/// <summary>
/// The simulation's clock as a <see cref="TimeProvider"/>, for code under test that reads time (the real router's
/// health and saturation bookkeeping): it sees virtual time, so its decisions repeat with the seed.
/// </summary>
public sealed class SimulatedTime(SimulationLoop loop) : TimeProvider
{
    private static readonly DateTimeOffset Start = new(2026, 1, 1, 0, 0, 0, TimeSpan.Zero);

    public override DateTimeOffset GetUtcNow() => Start + TimeSpan.FromSeconds(loop.Now);

    public override long GetTimestamp() => (long)(loop.Now * TimestampFrequency);

    public override long TimestampFrequency => TimeSpan.TicksPerSecond;

    public override ITimer CreateTimer(TimerCallback callback, object? state, TimeSpan dueTime, TimeSpan period) =>
        throw new NotSupportedException("The simulation drives probes itself; code under test must not start timers on its clock.");
}

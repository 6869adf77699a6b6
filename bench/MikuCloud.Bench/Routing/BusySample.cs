namespace MikuCloud.Bench.Routing;

/// <summary>Each replica's busy slot-seconds so far, at one moment: two samples give the busy slots averaged between them.</summary>
public sealed record BusySample(double At, IReadOnlyList<double> BusySlotSeconds)
{
    /// <summary>Each replica's time-averaged busy slots from <paramref name="earlier"/> to this sample.</summary>
    public double[] AverageSince(BusySample earlier) =>
        [.. BusySlotSeconds.Select((b, i) => At > earlier.At ? (b - earlier.BusySlotSeconds[i]) / (At - earlier.At) : 0)];
}

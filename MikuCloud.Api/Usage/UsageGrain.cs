namespace MikuCloud.Api.Usage;

/// <summary>
/// The periods <see cref="UsageRollup"/> keeps, coarser ones so that a long window reads few rows: a year is about a
/// dozen months plus the days and hours at its two edges.
/// </summary>
public static class UsageGrain
{
    public const int Hour = 0;
    public const int Day = 1;
    public const int Month = 2;

    /// <summary>Every grain, finest first.</summary>
    public static readonly IReadOnlyList<int> All = [Hour, Day, Month];

    /// <summary>The start of the period of <paramref name="grain"/> that holds <paramref name="at"/> (UTC).</summary>
    public static DateTime Start(int grain, DateTime at) => grain switch
    {
        Hour => new DateTime(at.Ticks - (at.Ticks % TimeSpan.TicksPerHour), DateTimeKind.Utc),
        Day => DateTime.SpecifyKind(at.Date, DateTimeKind.Utc),
        _ => new DateTime(at.Year, at.Month, 1, 0, 0, 0, DateTimeKind.Utc),
    };

    /// <summary>The first period start of <paramref name="grain"/> at or after <paramref name="at"/>.</summary>
    public static DateTime Ceiling(int grain, DateTime at)
    {
        var start = Start(grain, at);
        return start == at ? start : grain switch { Hour => start.AddHours(1), Day => start.AddDays(1), _ => start.AddMonths(1) };
    }

    /// <summary>
    /// [<paramref name="from"/>, <paramref name="to"/>) on whole hours as periods of the coarsest grains that fit
    /// (up to <paramref name="coarsest"/>): hours, then days, then months in the middle, then days and hours again.
    /// </summary>
    public static List<(int Grain, DateTime From, DateTime To)> Cover(DateTime from, DateTime to, int coarsest)
    {
        if (coarsest == Hour)
        {
            return [(Hour, from, to)];
        }

        var inner = coarsest - 1;
        var start = Ceiling(coarsest, from);
        var end = Start(coarsest, to);
        if (start >= end)
        {
            return Cover(from, to, inner);
        }

        return [.. Cover(from, start, inner).Where(s => s.From < s.To), (coarsest, start, end), .. Cover(end, to, inner).Where(s => s.From < s.To)];
    }
}

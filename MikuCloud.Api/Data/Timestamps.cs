namespace MikuCloud.Api.Data;

/// <summary>Timestamps as stored: UTC, truncated to whole microseconds (PostgreSQL's precision), so a value
/// read back equals the value written on both providers and can serve as a paging cursor.</summary>
public static class Timestamps
{
    public static DateTime Now(TimeProvider time)
    {
        ArgumentNullException.ThrowIfNull(time);
        return Truncate(time.GetUtcNow().UtcDateTime);
    }

    public static DateTime Truncate(DateTime value) =>
        new(value.Ticks - value.Ticks % TimeSpan.TicksPerMicrosecond, DateTimeKind.Utc);

    /// <summary>SQLite returns <see cref="DateTimeKind.Unspecified"/>; everything stored is UTC.</summary>
    public static DateTime AsUtc(DateTime value) => value.Kind == DateTimeKind.Utc ? value : DateTime.SpecifyKind(value, DateTimeKind.Utc);

    public static DateTime? AsUtc(DateTime? value) => value is { } v ? AsUtc(v) : null;
}

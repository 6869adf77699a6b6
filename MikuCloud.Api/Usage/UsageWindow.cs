using System.Globalization;

namespace MikuCloud.Api.Usage;

/// <summary>
/// The window an admin asked for (<c>window=24h|7d|30d|365d</c>, or <c>from</c>/<c>to</c> as ISO 8601), on whole UTC
/// hours — the rollup's finest grain: <c>from</c> rounds down, <c>to</c> up; a preset ends at the end of this hour.
/// </summary>
public sealed record UsageWindow(DateTime From, DateTime To)
{
    /// <summary>The longest window one request may ask for.</summary>
    public static readonly TimeSpan Longest = TimeSpan.FromDays(731);

    private static readonly Dictionary<string, TimeSpan> Presets = new(StringComparer.OrdinalIgnoreCase)
    {
        ["24h"] = TimeSpan.FromHours(24), ["7d"] = TimeSpan.FromDays(7), ["30d"] = TimeSpan.FromDays(30), ["365d"] = TimeSpan.FromDays(365),
    };

    /// <summary>The trend's bucket: hours up to a week, then UTC days.</summary>
    public TimeSpan Bucket => To - From <= TimeSpan.FromDays(7) ? TimeSpan.FromHours(1) : TimeSpan.FromDays(1);

    /// <summary>Reads the query; a bad one is a 400 <c>invalid_request</c> naming the field.</summary>
    public static UsageWindow Parse(string? window, string? from, string? to, DateTime now)
    {
        var end = to is null ? Ceiling(now) : Ceiling(Instant("to", to));
        DateTime start;
        if (from is not null)
        {
            if (window is not null)
            {
                throw ApiProblem.Invalid("window", "Give either window or from/to, not both.");
            }

            start = UsageRollupSql.HourOf(Instant("from", from));
        }
        else if (Presets.TryGetValue(window ?? "24h", out var span))
        {
            start = end - span;
        }
        else
        {
            throw ApiProblem.Invalid("window", $"Use one of: {string.Join(", ", Presets.Keys)} (or from/to).");
        }

        if (end <= start)
        {
            throw ApiProblem.Invalid("to", "The window must end after it starts.");
        }

        return end - start > Longest ? throw ApiProblem.Invalid("from", $"A window may span at most {Longest.TotalDays:0} days.") : new UsageWindow(start, end);
    }

    private static DateTime Instant(string field, string text) =>
        DateTimeOffset.TryParse(text, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var at)
        && at.Year is >= 2000 and <= 9000
            ? at.UtcDateTime
            : throw ApiProblem.Invalid(field, "Use an ISO 8601 date and time, e.g. 2026-12-01T00:00:00Z.");

    private static DateTime Ceiling(DateTime at)
    {
        var hour = UsageRollupSql.HourOf(at);
        return hour == at ? hour : hour.AddHours(1);
    }
}

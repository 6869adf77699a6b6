namespace MikuCloud.Web.Api;

/// <summary>What the admin Usage page shows: a preset window or a from/to range (dates, UTC), and a grouping.</summary>
public sealed record UsageSelection(string? Window, string? From, string? To, string By)
{
    /// <summary>The windows offered as links.</summary>
    public static readonly IReadOnlyList<string> Presets = ["24h", "7d", "30d", "365d"];

    /// <summary>The groupings offered as tabs.</summary>
    public static readonly IReadOnlyList<string> Groupings = ["user", "model", "door"];

    /// <summary>From the page's query: a range when both dates are there, else a known preset (default 30d).</summary>
    public static UsageSelection Of(string? window, string? from, string? to, string? by)
    {
        var grouping = Groupings.Contains(by) ? by! : "user";
        return !string.IsNullOrEmpty(from) && !string.IsNullOrEmpty(to)
            ? new UsageSelection(null, from, to, grouping)
            : new UsageSelection(Presets.Contains(window) ? window : "30d", null, null, grouping);
    }

    /// <summary>The API query (and the page's): <c>window=…</c> or <c>from=…&amp;to=…</c> (a date's whole day), and <c>by=…</c>.</summary>
    public string Query(string? by = null) =>
        (Window is not null ? $"window={Uri.EscapeDataString(Window)}" : $"from={Uri.EscapeDataString(From!)}&to={Uri.EscapeDataString(EndOfDay(To!))}")
        + $"&by={Uri.EscapeDataString(by ?? By)}";

    // A date input gives "2026-12-06": the range includes that whole day.
    private static string EndOfDay(string to) =>
        DateOnly.TryParseExact(to, "yyyy-MM-dd", out var day) ? day.AddDays(1).ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture) + "T00:00:00Z" : to;
}

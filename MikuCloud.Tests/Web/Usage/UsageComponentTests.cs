using System.Globalization;
using Bunit;
using MikuCloud.Web.Api;
using MikuCloud.Web.Components.Usage;

namespace MikuCloud.Tests.Web.Usage;

/// <summary>The admin Usage page's pieces: the grouped table and the window/grouping/CSV controls, in both languages.</summary>
public class UsageComponentTests : WebComponentTest
{
    private static readonly DateTime From = new(2026, 11, 6, 0, 0, 0, DateTimeKind.Utc);

    private static UsageReport Report(string by = "user") => new(From, From.AddDays(30), by, 86_400,
        new UsageRow("", null, 1_234_567, 9_876_543, 2_000, 12, 7, 420.5, 1_850, 12_000),
        [
            new UsageRow("u-1", "初音, ミク (miku)", 1_234_000, 9_800_000, 1_900, 12, 6, 420.5, 1_850, 12_000),
            new UsageRow("gone-user", null, 567, 76_543, 100, 0, 1, null, null, null),
        ],
        [], "resolution");

    [Fact]
    public void The_table_shows_names_exact_counts_percentiles_as_upper_bounds_and_the_totals()
    {
        var table = Render<UsageTable>(p => p.Add(c => c.Report, Report()));

        Assert.Equal("用户", table.Find("thead th").TextContent);
        Assert.Equal("初音, ミク (miku)", table.Find("tr[data-key=u-1] th").TextContent);
        Assert.Equal("gone-user", table.Find("tr[data-key=gone-user] th").TextContent); // an account since deleted: its id
        Assert.Equal("1,234,000", table.Find("tr[data-key=u-1] [data-col=answers]").TextContent);
        Assert.Equal("9,800,000", table.Find("tr[data-key=u-1] [data-col=input]").TextContent);
        Assert.Equal("≤ 421 ms", table.Find("tr[data-key=u-1] [data-col=p50]").TextContent); // a bucket bound, so "≤"
        Assert.Equal("≤ 1.85 s", table.Find("tr[data-key=u-1] [data-col=p95]").TextContent);
        Assert.Equal("≤ 12.0 s", table.Find("tr[data-key=u-1] [data-col=p99]").TextContent);
        Assert.Equal("–", table.Find("tr[data-key=gone-user] [data-col=p50]").TextContent);
        Assert.Equal("合计", table.Find("tfoot th").TextContent);
        Assert.Equal("1,234,567", table.Find("tfoot [data-col=answers]").TextContent);
        Assert.Equal("7", table.Find("tfoot [data-col=failures]").TextContent);
    }

    [Fact]
    public void The_table_names_its_first_column_after_the_grouping_in_english_too()
    {
        CultureInfo.CurrentUICulture = CultureInfo.GetCultureInfo("en");

        var table = Render<UsageTable>(p => p.Add(c => c.Report, Report("door") with { Rows = [new UsageRow("mcp", null, 3, 30, 3, 0, 0, 100, 100, 100)] }));

        Assert.Equal("Door", table.Find("thead th").TextContent);
        Assert.Equal("mcp", table.Find("tbody th").TextContent);
        Assert.Equal("Total", table.Find("tfoot th").TextContent);
    }

    [Fact]
    public void The_picker_marks_the_shown_window_and_grouping_and_its_links_keep_the_other_choice()
    {
        var picker = Render<UsagePicker>(p => p.Add(c => c.Selection, UsageSelection.Of("7d", null, null, "model")).Add(c => c.From, From).Add(c => c.To, From.AddDays(7)));

        Assert.Equal("7 天", picker.Find("[data-testid=usage-windows] a.active").TextContent);
        Assert.Equal("admin/usage?window=365d&by=model", picker.FindAll("[data-testid=usage-windows] a")[3].GetAttribute("href"));
        Assert.Equal("按模型", picker.Find("[data-testid=usage-groupings] a.active").TextContent);
        Assert.Equal("admin/usage?window=7d&by=door", picker.Find("[data-testid=usage-groupings] a[data-by=door]").GetAttribute("href"));
        Assert.Equal("admin/usage.csv?window=7d&by=model", picker.Find("[data-testid=usage-csv]").GetAttribute("href"));
        // The range form shows the window's first and last day (its end is exclusive).
        Assert.Equal("2026-11-06", picker.Find("input[name=from]").GetAttribute("value"));
        Assert.Equal("2026-11-12", picker.Find("input[name=to]").GetAttribute("value"));
    }

    [Fact]
    public void A_date_range_asks_the_api_for_whole_days_and_unknown_choices_fall_back_to_30_days_per_user()
    {
        Assert.Equal("from=2026-11-01&to=2026-11-08T00%3A00%3A00Z&by=door", UsageSelection.Of("24h", "2026-11-01", "2026-11-07", "door").Query());
        Assert.Equal("window=30d&by=user", UsageSelection.Of("1y", null, "2026-11-07", "preset").Query());

        var picker = Render<UsagePicker>(p => p.Add(c => c.Selection, UsageSelection.Of(null, "2026-11-01", "2026-11-07", "user")));

        Assert.Empty(picker.FindAll("[data-testid=usage-windows] a.active"));
        Assert.Equal("admin/usage.csv?from=2026-11-01&to=2026-11-08T00%3A00%3A00Z&by=user", picker.Find("[data-testid=usage-csv]").GetAttribute("href"));
    }
}

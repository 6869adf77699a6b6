using Bunit;
using MikuCloud.Web.Components.Pages;
using MikuCloud.Web.Components.Stats;

namespace MikuCloud.Tests.Web;

public class StatsPageTests : WebComponentTest
{
    private static StatsReport Report()
    {
        var start = new DateTime(2026, 11, 24, 0, 0, 0, DateTimeKind.Utc);
        var series = Enumerable.Range(0, 24).Select(i => new StatsBucket(start.AddHours(i), i % 3, i == 5 ? 1 : 0,
            i % 3 == 0 ? null : 300 + i * 10, i % 3 == 0 ? null : 900 + i * 10, i % 3 == 0 ? null : 40)).ToList();
        var totals = new StatsSummary("all", 23, 21, 1, 1, 0, 0, 420, 1850, 3100, 41.5, 40.2, 2300, 12_345, 6_789);
        return new StatsReport(start, start.AddDays(1), 3600, totals,
            [totals with { Key = "balanced", Requests = 20 }, totals with { Key = "vision", Requests = 3, TimeToFirstTokenP50Ms = 2500 }],
            [totals with { Key = "miku-vl" }], series);
    }

    [Fact]
    public void Tiles_charts_and_breakdowns_show_the_apis_numbers()
    {
        Api.Stats = Report();

        var page = Render<Stats>();

        Assert.Equal("23", page.Find("[data-stat=requests] .value").TextContent);
        Assert.Contains("失败 1", page.Find("[data-stat=requests] .sub").TextContent, StringComparison.Ordinal);
        Assert.Equal("420 ms", page.Find("[data-stat=ttft] .value").TextContent);
        Assert.Equal("p95 1.85 s", page.Find("[data-stat=ttft] .sub").TextContent);
        Assert.Equal("41.5", page.Find("[data-stat=output] .value").TextContent);
        Assert.Equal("19.1k", page.Find("[data-stat=tokens] .value").TextContent);
        var charts = page.FindComponents<TrendChart>();
        Assert.Equal(3, charts.Count);
        // Buckets without answers are gaps, not zeros: 16 of 24 buckets have a TTFT.
        Assert.Equal(16, charts[0].Find("polyline").GetAttribute("points")!.Split(' ').Length);
        Assert.Equal(Report().Series.Count(b => b.Requests > 0) + 1, charts[1].FindAll("rect.bar").Count);
        Assert.Equal("2.5 s", page.Find("tr[data-key=vision] td:nth-of-type(3)").TextContent);
        Assert.Equal("首字延迟（毫秒）", charts[0].Find("figcaption").TextContent);
    }

    [Fact]
    public void Answers_are_broken_down_by_door_when_the_api_reports_doors()
    {
        var report = Report();
        Api.Stats = report with { ByDoor = [report.Totals with { Key = "openai", Requests = 15 }, report.Totals with { Key = "mcp", Requests = 8 }] };

        var page = Render<Stats>();

        var doors = page.FindAll("section.breakdown table")[2];
        Assert.Equal("按入口（聊天、OpenAI API、MCP）", doors.QuerySelector("caption")!.TextContent);
        Assert.Equal("15", doors.QuerySelector("tr[data-key=openai] td")!.TextContent);
        Assert.Equal("8", doors.QuerySelector("tr[data-key=mcp] td")!.TextContent);

        // An API from before doors were counted: the preset and model tables only.
        Api.Stats = report;
        Assert.Equal(2, Render<Stats>().FindAll("section.breakdown table").Count);
    }

    [Fact]
    public void An_empty_window_and_a_failure_are_said_plainly()
    {
        Api.Stats = Report() with { Totals = Report().Totals with { Requests = 0 } };
        Assert.Contains("还没有回答", Render<Stats>().Find(".notice").TextContent, StringComparison.Ordinal);

        Api.Stats = null;
        UseEnglish();
        Assert.Equal("Could not load the stats", Render<Stats>().Find("[role=alert]").TextContent);
    }

    [Theory]
    [InlineData(0, 1)]
    [InlineData(7, 10)]
    [InlineData(1850, 2000)]
    [InlineData(42, 50)]
    public void Axes_end_on_round_numbers(double max, double ceiling) => Assert.Equal(ceiling, TrendChart.NiceCeiling(max));
}

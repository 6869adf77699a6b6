using System.Globalization;
using System.Net;
using System.Net.Http.Json;
using System.Text;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using MikuCloud.Api.Usage;
using MikuCloud.Tests.Api;
using MikuCloud.Tests.Batches;
using MikuCloud.Tests.Security;

namespace MikuCloud.Tests.Usage;

/// <summary>
/// <c>GET /api/admin/usage</c> and its CSV: exact figures for a known set of answers recorded through the real write
/// path (whatever the window's edges and grouping), answers from a door counted even after their conversation goes,
/// a well-formed CSV, and refusals: 403 for non-admins, 400 (never a 5xx) for a bad window.
/// </summary>
public class AdminUsageTests : AccountsApiTest
{
    private static readonly DateTime From = new(2026, 11, 3, 5, 0, 0, DateTimeKind.Utc);
    private static readonly DateTime To = new(2026, 11, 7, 9, 0, 0, DateTimeKind.Utc);

    [Fact]
    public async Task Figures_are_exact_per_user_model_and_door_across_hour_and_day_boundaries_and_window_edges()
    {
        var admin = await SetupAdminAsync("miku");
        var bob = await AddUserAsync(admin, "bob");
        const string gone = "a-user-since-deleted";
        var months = new[] { new DateTime(2026, 10, 1, 0, 0, 0, DateTimeKind.Utc), new DateTime(2026, 11, 1, 0, 0, 0, DateTimeKind.Utc) };
        var edges = new[] { From, To, From.Date.AddDays(1), To.Date, From.AddDays(-9), From.Date, From.AddDays(-40), months[0], months[1] };
        var usage = KnownUsage.Make([admin.User.Id, bob.User.Id, gone], From.AddDays(-45), To.AddDays(2), 800, edges);
        await RecordAsync(usage);
        using var client = As(admin);

        // Partial days at both ends (hourly trend); thirteen days (daily trend); a whole month with days and hours either
        // side; whole days only; whole months only; three hours of one day.
        foreach (var (from, to) in new[] { (From, To), (From.AddDays(-9), To), (From.AddDays(-40), To), (From.Date, To.Date), (months[0], months[1]), (From, From.AddHours(3)) })
        {
            foreach (var by in new[] { "user", "model", "door" })
            {
                var report = await ReportAsync(client, $"from={from:O}&to={to:O}&by={by}");
                Assert.Equal((from, to), (report.From, report.To));
                UsageReportAssert.Matches(KnownUsage.In(usage, from, to), report,
                    by == "user" ? new Dictionary<string, string> { [admin.User.Id] = "miku", [bob.User.Id] = "bob" } : null);
            }
        }
    }

    [Fact]
    public async Task A_window_s_edges_round_out_to_whole_hours()
    {
        var admin = await SetupAdminAsync();
        var usage = KnownUsage.Make([admin.User.Id], From, To, 80, [From.AddHours(1), To.AddHours(-1)]);
        await RecordAsync(usage);
        using var client = As(admin);

        var report = await ReportAsync(client, $"from={From.AddMinutes(70):O}&to={To.AddMinutes(-50):O}");

        Assert.Equal((From.AddHours(1), To), (report.From, report.To));
        UsageReportAssert.Matches(KnownUsage.In(usage, From.AddHours(1), To), report);
    }

    [Fact]
    public async Task An_answer_from_a_door_counts_at_once_and_still_counts_after_its_conversation_is_deleted()
    {
        var admin = await SetupAdminAsync();
        var bob = await AddUserAsync(admin, "bob");
        using var bobClient = As(bob);
        var conversation = await CreateConversationAsync(bobClient, "gone soon");
        using (var send = await bobClient.PostAsJsonAsync($"/api/conversations/{conversation}/messages", new { content = "你好" }, Ct))
        {
            Assert.Contains(await Sse.AllAsync(send, Ct), e => e.Name == "done");
        }

        var recorded = await api.WithDbAsync(db => db.AnswerUsage.AsNoTracking().SingleAsync(Ct));
        Assert.Equal(HttpStatusCode.NoContent, (await bobClient.DeleteAsync($"/api/conversations/{conversation}", Ct)).StatusCode);
        using var client = As(admin);

        var byUser = await ReportAsync(client, "window=24h&by=user");
        var byDoor = await ReportAsync(client, "window=24h&by=door");

        var row = Assert.Single(byUser.Rows);
        Assert.Equal((bob.User.Id, "bob", 1L, (long)recorded.InputTokens!, (long)recorded.OutputTokens!), (row.Key, row.Name, row.Answers, row.InputTokens, row.OutputTokens));
        UsageReportAssert.Within(recorded.TimeToFirstTokenMs, row.TimeToFirstTokenP50Ms);
        Assert.Equal(("chat", 1L), (Assert.Single(byDoor.Rows).Key, byDoor.Rows[0].Answers));
        Assert.Equal(24, byUser.Trend.Count);
        Assert.Equal(1, byUser.Trend.Sum(p => p.Answers));
    }

    [Fact]
    public async Task The_csv_has_a_header_and_one_well_quoted_row_per_group_names_with_commas_and_chinese_included()
    {
        var admin = await SetupAdminAsync();
        var bob = await AddUserAsync(admin, "bob");
        using var client = As(admin);
        const string name = "初音, \"ミク\"";
        using (var renamed = await client.PatchAsJsonAsync($"/api/admin/users/{bob.User.Id}", new { displayName = name }, Ct))
        {
            Assert.Equal(HttpStatusCode.OK, renamed.StatusCode);
        }

        var usage = KnownUsage.Make([admin.User.Id, bob.User.Id], From, To, 50, []);
        await RecordAsync(usage);

        using var response = await client.GetAsync($"/api/admin/usage.csv?from={From:O}&to={To:O}&by=user", Ct);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("text/csv", response.Content.Headers.ContentType!.MediaType);
        Assert.Equal("usage-by-user-20261103T05-20261107T09.csv", response.Content.Headers.ContentDisposition!.FileNameStar ?? response.Content.Headers.ContentDisposition.FileName);
        var bytes = await response.Content.ReadAsByteArrayAsync(Ct);
        Assert.Equal([0xEF, 0xBB, 0xBF], bytes[..3]); // Excel reads the Chinese as UTF-8
        var records = Rfc4180.Parse(Encoding.UTF8.GetString(bytes, 3, bytes.Length - 3));

        Assert.Equal(UsageCsv.Columns, records[0]);
        var report = await ReportAsync(client, $"from={From:O}&to={To:O}&by=user");
        Assert.Equal(report.Rows.Count, records.Count - 1);
        foreach (var (row, record) in report.Rows.Zip(records.Skip(1)))
        {
            Assert.Equal(
                [row.Key, row.Name ?? "", Invariant(row.Answers), Invariant(row.InputTokens), Invariant(row.OutputTokens), Invariant(row.Images), Invariant(row.Failures),
                    Invariant(row.TimeToFirstTokenP50Ms), Invariant(row.TimeToFirstTokenP95Ms), Invariant(row.TimeToFirstTokenP99Ms)],
                record);
        }

        Assert.Contains(records, r => r[0] == bob.User.Id && r[1] == $"{name} (bob)");
    }

    [Fact]
    public async Task Non_admins_are_refused_and_a_bad_window_is_a_400_never_a_5xx()
    {
        var admin = await SetupAdminAsync();
        var bob = await AddUserAsync(admin, "bob");
        using var bobClient = As(bob);
        foreach (var path in new[] { "/api/admin/usage", "/api/admin/usage.csv?window=30d", "/api/admin/usage?by=door" })
        {
            using var refused = await bobClient.GetAsync(path, Ct);
            Assert.Equal(HttpStatusCode.Forbidden, refused.StatusCode);
        }

        using var client = As(admin);
        foreach (var query in new[]
        {
            "window=1y", "window=", "by=preset", "by=", "from=yesterday", "from=2026-11-03T05:00:00Z&window=24h",
            $"from={To:O}&to={From:O}", $"from={From:O}&to={From:O}", "from=0001-01-01T00:00:00Z", "from=9999-12-31T23:59:59Z",
            "from=2020-01-01T00:00:00Z&to=2026-01-01T00:00:00Z", "from=%00", "from=" + new string('9', 5000), "window=%E2%80%AE24h", "from=-1",
        })
        {
            foreach (var path in new[] { "/api/admin/usage", "/api/admin/usage.csv" })
            {
                using var response = await client.GetAsync($"{path}?{query}", Ct);
                Assert.True(response.StatusCode == HttpStatusCode.BadRequest, $"{path}?{query} answered {(int)response.StatusCode}");
                Assert.Equal(ProblemCodes.InvalidRequest, await CodeOf(response));
            }
        }
    }

    private async Task RecordAsync(IEnumerable<AnswerUsage> usage)
    {
        // The write path every door uses when an answer ends: the usage row and its rollup in one transaction.
        await using var scope = api.Services.CreateAsyncScope();
        var log = scope.ServiceProvider.GetRequiredService<AnswerUsageLog>();
        foreach (var u in usage)
        {
            await log.RecordAsync(u);
        }
    }

    private static async Task<UsageReport> ReportAsync(HttpClient client, string query)
    {
        using var response = await client.GetAsync($"/api/admin/usage?{query}", Ct);
        Assert.True(response.IsSuccessStatusCode, $"{query}: {(int)response.StatusCode} {await response.Content.ReadAsStringAsync(Ct)}");
        return (await response.Content.ReadFromJsonAsync<UsageReport>(Ct))!;
    }

    private static string Invariant(IFormattable? value) => value?.ToString(null, CultureInfo.InvariantCulture) ?? "";
}

/// <summary>The same on PostgreSQL.</summary>
public sealed class PostgresAdminUsageTests : AdminUsageTests
{
    protected override bool OnPostgres => true;
}

using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using MikuCloud.Api.Data;
using MikuCloud.Api.Usage;
using MikuCloud.Tests.Api;

namespace MikuCloud.Tests.Telemetry;

/// <summary>The stats endpoint's aggregates for a known set of recorded answers (their usage rows).</summary>
public class StatsTests : ApiTest
{

    [Fact]
    public async Task Aggregates_are_right_for_known_answers()
    {
        var id = await api.NewConversationAsync();
        var now = DateTime.UtcNow;
        // Ten balanced answers with TTFT 100..1000 ms and 10..100 tokens/s, two vision answers, one failure, one old answer outside 24h.
        await api.WithDbAsync(async db =>
        {
            void Add(string preset, string status, double? ttft, double? rate, DateTime at, int input = 100, int output = 50) =>
                db.AnswerUsage.Add(new AnswerUsage
                {
                    Id = Guid.NewGuid(), OwnerId = Owners.Local, Door = "chat", Status = status, PresetId = preset, Model = "miku-vl",
                    TimeToFirstTokenMs = ttft, TotalMs = ttft * 3, OutputTokensPerSecond = rate, PromptTokensPerSecond = rate * 10,
                    InputTokens = input, OutputTokens = output, CreatedAt = at,
                });
            for (var i = 1; i <= 10; i++)
            {
                Add("balanced", MessageStatus.Complete, i * 100, i * 10, now.AddMinutes(-i));
            }

            Add("vision", MessageStatus.Truncated, 2000, 40, now.AddHours(-2));
            Add("vision", MessageStatus.Failed, null, null, now.AddHours(-3), output: 0);
            Add("balanced", MessageStatus.Complete, 9999, 1, now.AddDays(-2));
            // A question is not an answer and must not be counted.
            db.Messages.Add(new Message { Id = Guid.NewGuid(), ConversationId = id, Seq = 1, Role = MessageRole.User, CreatedAt = now });
            return await db.SaveChangesAsync();
        });

        var report = await api.CreateClient().GetFromJsonAsync<JsonObject>("/api/stats?window=24h", TestContext.Current.CancellationToken);

        var totals = report!["totals"]!;
        Assert.Equal(12, totals["requests"]!.GetValue<int>());
        Assert.Equal(10, totals["complete"]!.GetValue<int>());
        Assert.Equal(1, totals["truncated"]!.GetValue<int>());
        Assert.Equal(1, totals["failed"]!.GetValue<int>());
        // 11 TTFTs: 100..1000 and 2000 → p50 = 6th = 600, p95 = 11th = 2000.
        Assert.Equal(600, totals["timeToFirstTokenP50Ms"]!.GetValue<double>());
        Assert.Equal(2000, totals["timeToFirstTokenP95Ms"]!.GetValue<double>());
        Assert.Equal(1200, totals["inputTokens"]!.GetValue<long>());
        Assert.Equal(550, totals["outputTokens"]!.GetValue<long>());
        var balanced = report["byPreset"]!.AsArray().Single(p => p!["key"]!.GetValue<string>() == "balanced")!;
        Assert.Equal(10, balanced["requests"]!.GetValue<int>());
        Assert.Equal(500, balanced["timeToFirstTokenP50Ms"]!.GetValue<double>());
        Assert.Equal(1000, balanced["timeToFirstTokenP95Ms"]!.GetValue<double>());
        Assert.Equal(50, balanced["outputTokensPerSecondP50"]!.GetValue<double>());
        Assert.Equal(55, balanced["outputTokensPerSecondMean"]!.GetValue<double>());
        Assert.Equal(500, balanced["promptTokensPerSecondP50"]!.GetValue<double>());
        var model = Assert.Single(report["byModel"]!.AsArray())!;
        Assert.Equal("miku-vl", model["key"]!.GetValue<string>());
        var series = report["series"]!.AsArray();
        Assert.InRange(series.Count, 24, 25); // whole-hour buckets covering the last 24 h
        Assert.All(series, b => Assert.Equal(0, b!["start"]!.GetValue<DateTime>().Minute));
        Assert.Equal(3600, report["bucketSeconds"]!.GetValue<int>());
        Assert.Equal(12, series.Sum(b => b!["requests"]!.GetValue<int>()));
        Assert.Equal(1, series.Sum(b => b!["failures"]!.GetValue<int>()));
        var door = Assert.Single(report["byDoor"]!.AsArray())!;
        Assert.Equal("chat", door["key"]!.GetValue<string>());
        Assert.Equal(12, door["requests"]!.GetValue<int>());
    }

    [Fact]
    public async Task An_unknown_window_is_a_problem()
    {
        using var response = await api.CreateClient().GetAsync("/api/stats?window=forever", TestContext.Current.CancellationToken);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType!.MediaType);
    }
}

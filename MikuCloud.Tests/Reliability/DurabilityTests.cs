using System.Diagnostics;
using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Microsoft.EntityFrameworkCore;
using MikuCloud.Testing;
using MikuCloud.Tests.Api;

namespace MikuCloud.Tests.Reliability;

/// <summary>Nothing half-written: deletes during streaming, a database that goes away and comes back, crowds.</summary>
public class DurabilityTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task Deleting_a_conversation_while_it_streams_stops_ollama_and_leaves_nothing_behind()
    {
        await using var api = new ApiFactory();
        await api.InitializeAsync();
        api.Ollama.Chat = _ => new FakeChatReply { Chunks = ["一", "二", "三", "四"], ChunkDelay = TimeSpan.FromSeconds(1) };
        var client = api.CreateClient();
        var id = await api.NewConversationAsync();
        var names = new List<string>();

        using var response = await client.SendAsync(id, new { content = "数" }, Ct);
        await foreach (var e in Sse.ReadAsync(response, cancellationToken: Ct))
        {
            names.Add(e.Name);
            if (e.Name == "delta")
            {
                using var deleted = await client.DeleteAsync($"/api/conversations/{id}", Ct);
                Assert.Equal(HttpStatusCode.NoContent, deleted.StatusCode);
            }
        }

        Assert.Equal(["user", "delta", "error"], names); // the stream ends with a clear event, not a hang
        Assert.True(await api.Ollama.ChatCancelled.WaitAsync(TimeSpan.FromSeconds(5), Ct), "Ollama kept generating for a deleted conversation");
        Assert.Equal((0, 0, 0), await api.WithDbAsync(async db =>
            (await db.Conversations.CountAsync(Ct), await db.Messages.CountAsync(Ct), await db.Images.CountAsync(Ct))));
        using var gone = await client.GetAsync($"/api/conversations/{id}/messages", Ct);
        Assert.Equal(HttpStatusCode.NotFound, gone.StatusCode);
    }

    [Fact]
    public async Task A_stopped_postgresql_fails_requests_fast_with_503_and_service_resumes()
    {
        var (pg, missing) = await PrivatePostgres.StartAsync();
        Assert.SkipWhen(pg is null, missing ?? "");
        await using var server = pg!;
        await using var api = new ApiFactory();
        api.Settings["Database:Provider"] = "postgres";
        api.Settings["ConnectionStrings:chatdb"] = server.ConnectionString;
        await api.InitializeAsync();
        var client = api.CreateClient();
        using (var created = await client.PostAsJsonAsync("/api/conversations", new { title = "before the outage" }, Ct))
        {
            Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        }

        await server.StopAsync();
        var watch = Stopwatch.StartNew();
        using var list = await client.GetAsync("/api/conversations", Ct);
        using var send = await client.SendAsync(Guid.NewGuid(), new { content = "during the outage" }, Ct);
        using var create = await client.PostAsJsonAsync("/api/conversations", new { title = "during" }, Ct);

        Assert.True(watch.Elapsed < TimeSpan.FromSeconds(15), $"failing took {watch.Elapsed}");
        foreach (var response in new[] { list, send, create })
        {
            Assert.Equal(HttpStatusCode.ServiceUnavailable, response.StatusCode);
            Assert.NotNull(response.Headers.RetryAfter);
            var problem = await response.Content.ReadFromJsonAsync<JsonObject>(Ct);
            Assert.Equal(ProblemCodes.DatabaseUnavailable, problem!["code"]!.GetValue<string>());
        }

        await server.StartAgainAsync();
        JsonObject? page = null;
        var last = "";
        for (var i = 0; i < 100 && page is null; i++)
        {
            using var again = await client.GetAsync("/api/conversations", Ct);
            page = again.IsSuccessStatusCode ? await again.Content.ReadFromJsonAsync<JsonObject>(Ct) : null;
            last = page is null ? $"{(int)again.StatusCode} {await again.Content.ReadAsStringAsync(Ct)}" : "";
            await Task.Delay(page is null ? 200 : 0, Ct);
        }

        Assert.True(page is not null, last);
        // Service resumed, and nothing was half-written: only the conversation from before the outage exists.
        Assert.NotNull(page);
        Assert.Equal(["before the outage"], page!["items"]!.AsArray().Select(c => c!["title"]!.GetValue<string>()));
    }

    [Fact]
    public async Task A_crowd_gets_answers_or_429s_never_5xx_and_every_answer_is_complete()
    {
        await using var api = new ApiFactory();
        api.Settings["Chat:MaxConcurrentGenerations"] = "2";
        api.Settings["Chat:MaxQueue"] = "4";
        await api.InitializeAsync();
        api.Ollama.Chat = _ => new FakeChatReply { ChunkDelay = TimeSpan.FromMilliseconds(50) };
        var client = api.CreateClient();
        var conversations = new List<Guid>();
        for (var i = 0; i < 60; i++)
        {
            conversations.Add(await api.NewConversationAsync());
        }

        var outcomes = await Task.WhenAll(conversations.Select(async id =>
        {
            using var response = await client.SendAsync(id, new { content = "hi" }, Ct);
            if (response.StatusCode != HttpStatusCode.OK)
            {
                return ((int)response.StatusCode, response.Headers.RetryAfter is not null, (string?)null);
            }

            var events = await Sse.AllAsync(response, Ct);
            return (200, false, events[^1].Name);
        }));

        Assert.DoesNotContain(outcomes, o => o.Item1 >= 500);
        Assert.All(outcomes.Where(o => o.Item1 == 200), o => Assert.Equal("done", o.Item3));
        Assert.All(outcomes.Where(o => o.Item1 == 429), o => Assert.True(o.Item2, "429 without Retry-After"));
        Assert.InRange(outcomes.Count(o => o.Item1 == 200), 6, 60); // at least the slots and the queue were served
        Assert.Contains(outcomes, o => o.Item1 == 429);
        TestContext.Current.TestOutputHelper?.WriteLine($"answered {outcomes.Count(o => o.Item1 == 200)}, refused {outcomes.Count(o => o.Item1 == 429)}");
        // Every accepted message has its answer; refused ones left nothing behind.
        var stored = await api.WithDbAsync(db => db.Messages.AsNoTracking().GroupBy(m => m.ConversationId).Select(g => g.Count()).ToListAsync(Ct));
        Assert.All(stored, count => Assert.Equal(2, count));
        Assert.Equal(outcomes.Count(o => o.Item1 == 200), stored.Count);
    }
}

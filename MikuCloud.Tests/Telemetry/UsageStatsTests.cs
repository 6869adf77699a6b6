using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Microsoft.EntityFrameworkCore;
using MikuCloud.Testing;
using MikuCloud.Tests.OpenAi;
using ModelContextProtocol.Client;
using OpenAI.Chat;

namespace MikuCloud.Tests.Telemetry;

/// <summary>
/// The dashboard counts every answer, whichever door asked and whether or not it was stored (one usage record per
/// answer), only the caller's own, and keeps counting after the conversation is deleted.
/// </summary>
public class UsageStatsTests : OpenAiDoorTest
{
    private static readonly int WireTokens = FakeChatReply.WireChunks.Count; // the fake's eval_count: one token a chunk

    [Fact]
    public async Task Every_door_s_answers_show_in_my_stats_with_their_tokens_and_door()
    {
        var key = await KeyAsync();
        var chat = Sdk(key).GetChatClient("miku-vl");

        Prompt(111);
        await chat.CompleteChatAsync([new UserChatMessage("hi")], cancellationToken: Ct); // stateless: nothing stored
        Prompt(222);
        await foreach (var update in chat.CompleteChatStreamingAsync([new UserChatMessage("讲个故事")], new ChatCompletionOptions(), Ct))
        {
            _ = update;
        }

        Prompt(333);
        await using (var mcp = await ConnectMcpAsync(key))
        {
            await mcp.CallToolAsync("ask", new Dictionary<string, object?> { ["question"] = "1+1?" }, cancellationToken: Ct);
        }

        Prompt(444);
        using var script = WithApiKey(key);
        await AskInNewConversationAsync(script);

        var report = await StatsAsync(script);
        var totals = report["totals"]!;
        Assert.Equal(4, totals["requests"]!.GetValue<int>());
        Assert.Equal(4, totals["complete"]!.GetValue<int>());
        Assert.Equal(111 + 222 + 333 + 444, totals["inputTokens"]!.GetValue<long>());
        Assert.Equal(4 * WireTokens, totals["outputTokens"]!.GetValue<long>());
        Assert.Equal((2, 111 + 222), Door(report, "openai"));
        Assert.Equal((1, 333), Door(report, "mcp"));
        Assert.Equal((1, 444), Door(report, "chat"));
        Assert.NotNull(totals["timeToFirstTokenP50Ms"]?.GetValue<double>());
        // Only the chat door stored anything (its question and answer): the others were counted without being kept.
        Assert.Equal(2, await api.WithDbAsync(db => db.Messages.CountAsync(Ct)));
    }

    [Fact]
    public async Task A_stored_chat_answer_counts_once()
    {
        var key = await KeyAsync();
        using var script = WithApiKey(key);
        Prompt(50);
        await AskInNewConversationAsync(script);
        // An OpenAI answer stored as a conversation (store: true) is one answer too.
        Prompt(70);
        await Sdk(key).GetChatClient("miku-vl").CompleteChatAsync([new UserChatMessage("keep this")], new ChatCompletionOptions { StoredOutputEnabled = true }, Ct);

        var report = await StatsAsync(script);

        Assert.Equal(2, report["totals"]!["requests"]!.GetValue<int>());
        Assert.Equal(120, report["totals"]!["inputTokens"]!.GetValue<long>());
        Assert.Equal((1, 50), Door(report, "chat"));
        Assert.Equal((1, 70), Door(report, "openai"));
    }

    [Fact]
    public async Task Another_user_s_usage_is_not_in_my_stats()
    {
        var key = await KeyAsync();
        var admin = await SignInAsync("miku");
        var rin = await AddUserAsync(admin, "rin");
        Prompt(100);
        await Sdk(key).GetChatClient("miku-vl").CompleteChatAsync([new UserChatMessage("mine")], cancellationToken: Ct);
        using (var asRin = As(rin))
        {
            Prompt(7);
            await AskInNewConversationAsync(asRin);
        }

        using var asAdmin = As(admin);
        var mine = await StatsAsync(asAdmin);
        using var asRinAgain = As(rin);
        var theirs = await StatsAsync(asRinAgain);

        Assert.Equal(1, mine["totals"]!["requests"]!.GetValue<int>());
        Assert.Equal(100, mine["totals"]!["inputTokens"]!.GetValue<long>());
        Assert.Equal(1, theirs["totals"]!["requests"]!.GetValue<int>());
        Assert.Equal(7, theirs["totals"]!["inputTokens"]!.GetValue<long>());
        Assert.Equal(["openai"], mine["byDoor"]!.AsArray().Select(d => d!["key"]!.GetValue<string>()));
    }

    [Fact]
    public async Task A_conversation_deleted_after_answering_still_counts()
    {
        using var script = WithApiKey(await KeyAsync());
        Prompt(90);
        var id = await AskInNewConversationAsync(script);

        using (var deleted = await script.DeleteAsync($"/api/conversations/{id}", Ct))
        {
            Assert.Equal(HttpStatusCode.NoContent, deleted.StatusCode);
        }

        var report = await StatsAsync(script);
        Assert.Equal(1, report["totals"]!["requests"]!.GetValue<int>());
        Assert.Equal(90, report["totals"]!["inputTokens"]!.GetValue<long>());
        Assert.Equal(WireTokens, report["totals"]!["outputTokens"]!.GetValue<long>());
    }

    [Fact]
    public async Task An_answer_whose_conversation_is_deleted_while_it_streams_still_counts_as_stopped()
    {
        using var script = WithApiKey(await KeyAsync());
        var id = await CreateConversationAsync(script);
        var finish = new TaskCompletionSource();
        api.Ollama.Chat = _ => new FakeChatReply { PromptEvalCount = 60, FinishWhen = finish.Task };
        using var request = new HttpRequestMessage(HttpMethod.Post, $"/api/conversations/{id}/messages") { Content = JsonContent.Create(new { content = "长一点" }) };
        using var streaming = await script.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, Ct);
        using var events = new StreamReader(await streaming.Content.ReadAsStreamAsync(Ct));
        while (await events.ReadLineAsync(Ct) is { } line && line != "event: delta")
        {
        }

        using (var deleted = await script.DeleteAsync($"/api/conversations/{id}", Ct))
        {
            Assert.Equal(HttpStatusCode.NoContent, deleted.StatusCode);
        }

        finish.TrySetResult();
        await events.ReadToEndAsync(Ct); // the door hears the end after the usage is written

        var report = await StatsAsync(script);
        Assert.Equal(1, report["totals"]!["requests"]!.GetValue<int>());
        Assert.Equal(1, report["totals"]!["cancelled"]!.GetValue<int>());
        Assert.Equal(0, await api.WithDbAsync(db => db.Messages.CountAsync(Ct)));
    }

    [Fact]
    public async Task An_unstored_answer_that_fails_midway_counts_as_a_failure()
    {
        var key = await KeyAsync();
        api.Ollama.Chat = _ => new FakeChatReply { Chunks = ["半"], ErrorAfterChunks = "model runner crashed" };
        await using (var mcp = await ConnectMcpAsync(key))
        {
            var result = await mcp.CallToolAsync("ask", new Dictionary<string, object?> { ["question"] = "还好吗？" }, cancellationToken: Ct);
            Assert.True(result.IsError);
        }

        using var script = WithApiKey(key);
        var report = await StatsAsync(script);

        Assert.Equal(1, report["totals"]!["failed"]!.GetValue<int>());
        Assert.Equal(1, report["series"]!.AsArray().Sum(b => b!["failures"]!.GetValue<int>()));
        Assert.Equal((1, 0), Door(report, "mcp"));
    }

    [Fact]
    public async Task When_usage_cannot_be_written_answers_still_arrive_and_are_saved()
    {
        var key = await KeyAsync();
        await api.WithDbAsync(db => db.Database.ExecuteSqlRawAsync("DROP TABLE \"AnswerUsage\"", Ct)); // every usage write now fails

        var completion = await Sdk(key).GetChatClient("miku-vl").CompleteChatAsync([new UserChatMessage("秘密问题")], cancellationToken: Ct);
        using var script = WithApiKey(key);
        var id = await AskInNewConversationAsync(script);

        Assert.Equal(string.Concat(FakeChatReply.WireChunks), completion.Value.Content[0].Text);
        var messages = (await script.GetFromJsonAsync<JsonObject>($"/api/conversations/{id}/messages", Ct))!["items"]!.AsArray();
        Assert.Equal(MessageStatus.Complete, messages[^1]!["status"]!.GetValue<string>()); // the stored answer was saved without its usage
        Assert.Contains(api.Logs, l => l.Contains("usage (openai) could not be recorded", StringComparison.Ordinal));
        Assert.Contains(api.Logs, l => l.Contains("is saved without its usage", StringComparison.Ordinal));
        Assert.All(api.Logs, l => Assert.DoesNotContain("秘密问题", l, StringComparison.Ordinal));
    }

    private void Prompt(int tokens) => api.Ollama.Chat = _ => new FakeChatReply { PromptEvalCount = tokens };

    private async Task<McpClient> ConnectMcpAsync(string key)
    {
        using var probe = api.CreateClient();
        var transport = new HttpClientTransport(new HttpClientTransportOptions
        {
            Endpoint = new Uri(probe.BaseAddress!, "/mcp"),
            AdditionalHeaders = new Dictionary<string, string> { ["Authorization"] = "Bearer " + key },
        });
        return await McpClient.CreateAsync(transport, cancellationToken: Ct);
    }

    /// <summary>Asks through the chat API (SSE) in a new conversation and reads the answer to its end; returns the conversation id.</summary>
    private static async Task<string> AskInNewConversationAsync(HttpClient client)
    {
        var id = await CreateConversationAsync(client, "usage");
        using var sent = await client.PostAsJsonAsync($"/api/conversations/{id}/messages", new { content = "你好" }, Ct);
        Assert.Equal(HttpStatusCode.OK, sent.StatusCode);
        Assert.Contains("event: done", await sent.Content.ReadAsStringAsync(Ct), StringComparison.Ordinal);
        return id;
    }

    private static async Task<JsonObject> StatsAsync(HttpClient client) =>
        (await client.GetFromJsonAsync<JsonObject>("/api/stats?window=1h", Ct))!;

    /// <summary>The door's (requests, input tokens) in the report.</summary>
    private static (int Requests, long InputTokens) Door(JsonObject report, string door)
    {
        var row = report["byDoor"]!.AsArray().Single(d => d!["key"]!.GetValue<string>() == door)!;
        return (row["requests"]!.GetValue<int>(), row["inputTokens"]!.GetValue<long>());
    }
}

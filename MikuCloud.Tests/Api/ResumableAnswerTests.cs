using System.Net;
using System.Net.Http.Json;
using System.Text;
using Microsoft.EntityFrameworkCore;
using MikuCloud.Api.Data;
using MikuCloud.Testing;

namespace MikuCloud.Tests.Api;

/// <summary>
/// Answers outlive their readers (issue 19): a reader that leaves changes nothing, any reader attaches from an offset,
/// only Stop cancels, the text is saved as it grows and a writer that died leaves an <c>interrupted</c> answer.
/// </summary>
public class ResumableAnswerTests : ApiTest
{
    private static readonly string[] Counting = ["一", "二", "三", "四", "五", "六", "七", "八"];

    private HttpClient client => field ??= api.CreateClient();

    protected override void Configure(Dictionary<string, string?> settings)
    {
        settings["Chat:AnswerCheckpointInterval"] = "00:00:00.2";
        settings["Chat:AnswerStaleAfter"] = "00:00:01";
        settings["Chat:AnswerSweepInterval"] = "00:00:00.2";
    }

    [Fact]
    public async Task An_answer_keeps_generating_when_its_reader_leaves_and_is_saved_complete()
    {
        api.Ollama.Chat = _ => new FakeChatReply { Chunks = Counting, ChunkDelay = TimeSpan.FromMilliseconds(150) };
        var id = await api.NewConversationAsync();

        using (var abrupt = api.CreateAbruptClient())
        using (var response = await abrupt.SendAsync(id, new { content = "数到八" }, Ct))
        {
            await FirstDeltaAsync(response);
        }

        var answer = await FinishedAnswerAsync(id);
        Assert.Equal(MessageStatus.Complete, answer.Status);
        Assert.Equal(string.Concat(Counting), answer.Content);
        Assert.Equal(0, api.Ollama.ChatCancellations);
    }

    [Fact]
    public async Task A_reader_that_reattaches_with_its_last_event_id_gets_the_rest_with_nothing_lost_or_doubled()
    {
        api.Ollama.Chat = _ => new FakeChatReply { Chunks = Counting, ChunkDelay = TimeSpan.FromMilliseconds(150) };
        var id = await api.NewConversationAsync();
        var seen = new StringBuilder();
        string? lastId = null;

        using (var abrupt = api.CreateAbruptClient())
        using (var response = await abrupt.SendAsync(id, new { content = "数到八" }, Ct))
        {
            await foreach (var e in Sse.ReadAsync(response, cancellationToken: Ct))
            {
                if (e.Name == "delta")
                {
                    seen.Append(e.Data!["text"]!.GetValue<string>());
                    lastId = e.Id;
                    Assert.Equal(seen.Length.ToString(System.Globalization.CultureInfo.InvariantCulture), e.Id); // the id is the length so far
                    if (seen.Length == 2)
                    {
                        break; // the tab reloads
                    }
                }
            }
        }

        var answerId = await StreamingAnswerIdAsync(id);
        using var attach = new HttpRequestMessage(HttpMethod.Get, $"/api/conversations/{id}/messages/{answerId}/stream");
        attach.Headers.Add("Last-Event-ID", lastId);
        using var resumed = await client.SendAsync(attach, HttpCompletionOption.ResponseHeadersRead, Ct);
        Assert.Equal(HttpStatusCode.OK, resumed.StatusCode);
        var events = await Sse.AllAsync(resumed, Ct);

        seen.Append(string.Concat(events.Where(e => e.Name == "delta").Select(e => e.Data!["text"]!.GetValue<string>())));
        Assert.Equal("done", events[^1].Name);
        Assert.Equal(string.Concat(Counting), seen.ToString());
        Assert.Equal(string.Concat(Counting), events[^1].Data!["content"]!.GetValue<string>());
        Assert.Equal(string.Concat(Counting), (await FinishedAnswerAsync(id)).Content);
    }

    [Fact]
    public async Task Attaching_to_a_finished_answer_sends_its_stored_text_after_the_offset_and_done()
    {
        api.Ollama.Chat = _ => new FakeChatReply { Chunks = Counting };
        var id = await api.NewConversationAsync();
        using (var response = await client.SendAsync(id, new { content = "数到八" }, Ct))
        {
            await Sse.AllAsync(response, Ct);
        }

        var answer = await FinishedAnswerAsync(id);
        using var resumed = await client.GetAsync($"/api/conversations/{id}/messages/{answer.Id}/stream?offset=5", HttpCompletionOption.ResponseHeadersRead, Ct);
        var events = await Sse.AllAsync(resumed, Ct);

        Assert.Equal(["delta", "done"], events.Select(e => e.Name));
        Assert.Equal("六七八", events[0].Data!["text"]!.GetValue<string>());
        Assert.Equal("8", events[0].Id);
        Assert.Equal(MessageStatus.Complete, events[1].Data!["status"]!.GetValue<string>());
    }

    [Fact]
    public async Task Stop_from_another_connection_cancels_the_answer_for_every_reader_and_saves_what_it_had()
    {
        api.Ollama.Chat = _ => new FakeChatReply { Chunks = Counting, ChunkDelay = TimeSpan.FromMilliseconds(300) };
        var id = await api.NewConversationAsync();
        using var response = await client.SendAsync(id, new { content = "数到八" }, Ct);
        await using var first = Sse.ReadAsync(response, cancellationToken: Ct).GetAsyncEnumerator(Ct);
        while (await first.MoveNextAsync() && first.Current.Name != "delta")
        {
        }

        var answerId = await StreamingAnswerIdAsync(id);
        using var second = api.CreateClient(); // another tab
        using var stop = await second.PostAsync($"/api/conversations/{id}/messages/{answerId}/stop", null, Ct);
        Assert.Equal(HttpStatusCode.OK, stop.StatusCode);
        var stopped = (await stop.Content.ReadFromJsonAsync<MessageDto>(Ct))!;

        var rest = new List<SseEvent>();
        while (await first.MoveNextAsync())
        {
            rest.Add(first.Current);
        }

        Assert.Equal(MessageStatus.Cancelled, stopped.Status);
        Assert.StartsWith("一", stopped.Content, StringComparison.Ordinal);
        Assert.True(stopped.Content.Length < Counting.Length, stopped.Content);
        Assert.Equal("error", rest[^1].Name);
        Assert.Equal(ProblemCodes.Cancelled, rest[^1].Data!["code"]!.GetValue<string>());
        Assert.True(await api.Ollama.ChatCancelled.WaitAsync(TimeSpan.FromSeconds(5), Ct), "Ollama's request was not cancelled");

        // Stop again: nothing changes, the saved answer comes back as it is.
        using var again = await second.PostAsync($"/api/conversations/{id}/messages/{answerId}/stop", null, Ct);
        Assert.Equal(HttpStatusCode.OK, again.StatusCode);
        Assert.Equal(stopped.Content, (await again.Content.ReadFromJsonAsync<MessageDto>(Ct))!.Content);
    }

    [Fact]
    public async Task Stop_and_attach_answer_404_for_an_unknown_message_and_400_for_a_bad_offset()
    {
        var id = await api.NewConversationAsync();
        using var stop = await client.PostAsync($"/api/conversations/{id}/messages/{Guid.NewGuid()}/stop", null, Ct);
        using var follow = await client.GetAsync($"/api/conversations/{id}/messages/{Guid.NewGuid()}/stream", Ct);
        using var bad = await client.GetAsync($"/api/conversations/{id}/messages/{Guid.NewGuid()}/stream?offset=-1", Ct);
        using var badFlag = await client.PostAsJsonAsync($"/api/conversations/{id}/messages?cancelOnDisconnect=maybe", new { content = "hi" }, Ct);

        Assert.Equal(HttpStatusCode.NotFound, stop.StatusCode);
        Assert.Equal(ProblemCodes.MessageNotFound, await CodeAsync(stop));
        Assert.Equal(HttpStatusCode.NotFound, follow.StatusCode);
        Assert.Equal(HttpStatusCode.BadRequest, bad.StatusCode);
        Assert.Equal(ProblemCodes.InvalidRequest, await CodeAsync(bad));
        Assert.Equal(HttpStatusCode.BadRequest, badFlag.StatusCode);
        Assert.Empty(await api.MessagesAsync(id)); // refused before anything was saved
    }

    [Fact]
    public async Task The_text_of_an_answer_in_progress_is_saved_as_it_grows_with_a_heartbeat()
    {
        api.Ollama.Chat = _ => new FakeChatReply { Chunks = Counting, ChunkDelay = TimeSpan.FromMilliseconds(250) };
        var id = await api.NewConversationAsync();
        using var response = await client.SendAsync(id, new { content = "数到八" }, Ct);
        await using var events = Sse.ReadAsync(response, cancellationToken: Ct).GetAsyncEnumerator(Ct);
        var received = 0;
        while (received < 4 && await events.MoveNextAsync())
        {
            received += events.Current.Name == "delta" ? 1 : 0;
        }

        await Task.Delay(TimeSpan.FromMilliseconds(400), Ct); // two checkpoints
        var saved = (await api.MessagesAsync(id))[1];

        Assert.Equal(MessageStatus.Streaming, saved.Status);
        Assert.StartsWith("一二三", saved.Content, StringComparison.Ordinal); // at most a checkpoint behind the reader
        Assert.NotNull(saved.HeartbeatAt);
        Assert.True(DateTime.UtcNow - saved.HeartbeatAt!.Value < TimeSpan.FromSeconds(1), $"heartbeat {saved.HeartbeatAt:O}");
    }

    [Fact]
    public async Task A_continued_answer_is_saved_as_it_grows_with_the_text_it_had_before()
    {
        const string poem = "床前明月光，疑是地上霜。举头望明月，低头思故乡。";
        var id = await api.NewConversationAsync(optionsJson: """{"num_predict":6}""");
        api.Ollama.Chat = body => FakeChatReply.Writing(body, poem);
        using (var first = await client.SendAsync(id, new { content = "背一首诗" }, Ct))
        {
            await Sse.AllAsync(first, Ct);
        }

        var cut = (await api.MessagesAsync(id))[1];
        Assert.Equal((MessageStatus.Truncated, poem[..6]), (cut.Status, cut.Content));
        await api.WithDbAsync(db => db.Conversations.Where(c => c.Id == id).ExecuteUpdateAsync(s => s.SetProperty(c => c.OptionsJson, (string?)null)));
        api.Ollama.Chat = body => FakeChatReply.Writing(body, poem) with { ChunkDelay = TimeSpan.FromMilliseconds(500) };

        using var request = new HttpRequestMessage(HttpMethod.Post, $"/api/conversations/{id}/messages/{cut.Id}/continue");
        using var response = await client.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, Ct);
        await using var events = Sse.ReadAsync(response, cancellationToken: Ct).GetAsyncEnumerator(Ct);
        var deltas = new List<SseEvent>();
        while (deltas.Count < 3 && await events.MoveNextAsync())
        {
            if (events.Current.Name == "delta")
            {
                deltas.Add(events.Current);
            }
        }

        await Task.Delay(TimeSpan.FromMilliseconds(600), Ct); // three checkpoints
        var saved = (await api.MessagesAsync(id))[1];

        // The checkpoint saves the whole answer — what it had and what follows — never the continuation alone.
        Assert.Equal(MessageStatus.Streaming, saved.Status);
        Assert.StartsWith(poem[..8], saved.Content, StringComparison.Ordinal);
        // Offsets count the whole answer, so a reader reattaching with its last id resumes in the right place.
        Assert.Equal("7", deltas[0].Id);
    }

    [Fact]
    public async Task A_streaming_answer_whose_writer_stopped_saving_becomes_interrupted_with_its_text()
    {
        var id = await api.NewConversationAsync();
        var answerId = Guid.NewGuid();
        await api.WithDbAsync(async db =>
        {
            var stale = DateTime.UtcNow.AddSeconds(-3);
            db.Messages.Add(new Message { Id = Guid.NewGuid(), ConversationId = id, Seq = 1, Role = MessageRole.User, Content = "数到八", CreatedAt = stale });
            db.Messages.Add(new Message
            {
                Id = answerId, ConversationId = id, Seq = 2, Role = MessageRole.Assistant, Content = "一二三", Status = MessageStatus.Streaming,
                CreatedAt = stale, HeartbeatAt = stale,
            });
            return await db.SaveChangesAsync(Ct);
        });

        // A reader attached to it follows it to its end: the sweep's verdict.
        using var follow = await client.GetAsync($"/api/conversations/{id}/messages/{answerId}/stream", HttpCompletionOption.ResponseHeadersRead, Ct);
        var events = await Sse.AllAsync(follow, Ct).WaitAsync(TimeSpan.FromSeconds(10), Ct);

        Assert.Equal(["delta", "done"], events.Select(e => e.Name));
        Assert.Equal("一二三", events[0].Data!["text"]!.GetValue<string>());
        Assert.Equal(MessageStatus.Interrupted, events[1].Data!["status"]!.GetValue<string>());
        Assert.Equal("一二三", (await api.MessagesAsync(id))[1].Content);
    }

    [Fact]
    public async Task The_attach_and_stop_operations_and_the_disconnect_rule_are_in_the_openapi_document()
    {
        var paths = System.Text.Json.Nodes.JsonNode.Parse(await client.GetStringAsync("/openapi/v1.json", Ct))!["paths"]!;

        var follow = paths["/api/conversations/{id}/messages/{messageId}/stream"]!["get"]!;
        Assert.NotNull(follow["responses"]!["200"]!["content"]!["text/event-stream"]);
        Assert.Contains(follow["parameters"]!.AsArray(), p => p!["name"]!.GetValue<string>() == "offset");
        Assert.Contains("Last-Event-ID", follow["description"]!.GetValue<string>(), StringComparison.Ordinal);
        Assert.NotNull(paths["/api/conversations/{id}/messages/{messageId}/stop"]!["post"]!["responses"]!["200"]);
        var send = paths["/api/conversations/{id}/messages"]!["post"]!;
        Assert.Contains(send["parameters"]!.AsArray(), p => p!["name"]!.GetValue<string>() == "cancelOnDisconnect");
        Assert.Contains("keeps generating when the client goes away", send["description"]!.GetValue<string>(), StringComparison.Ordinal);
    }

    private static async Task FirstDeltaAsync(HttpResponseMessage response)
    {
        await foreach (var e in Sse.ReadAsync(response, cancellationToken: Ct))
        {
            if (e.Name == "delta")
            {
                return;
            }
        }
    }

    private async Task<Guid> StreamingAnswerIdAsync(Guid conversation) =>
        await api.WithDbAsync(db => db.Messages.Where(m => m.ConversationId == conversation && m.Role == MessageRole.Assistant).Select(m => m.Id).SingleAsync(Ct));

    private async Task<Message> FinishedAnswerAsync(Guid conversation)
    {
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(10);
        while (true)
        {
            if ((await api.MessagesAsync(conversation)).ElementAtOrDefault(1) is { Status: not MessageStatus.Streaming } answer)
            {
                return answer;
            }

            Assert.True(DateTime.UtcNow < deadline, "the answer did not finish");
            await Task.Delay(50, Ct);
        }
    }

    private static async Task<string?> CodeAsync(HttpResponseMessage response) =>
        (await response.Content.ReadFromJsonAsync<System.Text.Json.Nodes.JsonObject>(Ct))!["code"]?.GetValue<string>();
}

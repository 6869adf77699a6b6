using Microsoft.Extensions.DependencyInjection;
using MikuCloud.Api;
using MikuCloud.Api.Data;
using MikuCloud.Api.Turns;
using MikuCloud.Testing;
using MikuCloud.Tests.Api;

namespace MikuCloud.Tests.Turns;

/// <summary>
/// A whole turn with no door at all: the <see cref="TurnEngine"/> from the API's own container, the real-HTTP fake
/// Ollama and a real SQLite file — what a batch job or an MCP tool would get. Nothing here speaks HTTP to the API.
/// </summary>
public class TurnEngineTests : ApiTest
{
    [Fact]
    public async Task A_turn_streams_its_events_in_order_and_saves_the_question_and_the_answer_with_usage()
    {
        var id = await api.NewConversationAsync();
        await using var scope = api.Services.CreateAsyncScope();
        var engine = scope.ServiceProvider.GetRequiredService<TurnEngine>();

        var events = await AllAsync(await engine.StartAsync(Ask(id, "这张图片里有什么？"), Ct));

        Assert.IsType<TurnEvent.QuestionSaved>(events[0]);
        Assert.Equal(FakeChatReply.WireChunks, events.OfType<TurnEvent.AnswerDelta>().Select(d => d.Text));
        var done = Assert.IsType<TurnEvent.AnswerDone>(events[^1]);
        Assert.Equal(MessageStatus.Complete, done.Message.Status);
        var stored = await api.MessagesAsync(id);
        Assert.Equal([(MessageRole.User, MessageStatus.Complete, "这张图片里有什么？"), (MessageRole.Assistant, MessageStatus.Complete, string.Concat(FakeChatReply.WireChunks))],
            stored.Select(m => (m.Role, m.Status, m.Content)));
        Assert.Equal(4, stored[1].OutputTokens);
        Assert.Equal(done.Message.Id, stored[1].Id);
    }

    [Fact]
    public async Task A_first_message_creates_its_conversation_named_after_the_question()
    {
        await using var scope = api.Services.CreateAsyncScope();
        var engine = scope.ServiceProvider.GetRequiredService<TurnEngine>();
        var request = TurnRequest.StartConversation(Owners.Local, new NewConversation(null, null), new TurnQuestion("部署笔记\n第二行", []), null, null, "test");

        var events = await AllAsync(await engine.StartAsync(request, Ct));

        var created = Assert.IsType<TurnEvent.ConversationCreated>(events[0]).Conversation;
        Assert.Equal("部署笔记", created.Title);
        Assert.IsType<TurnEvent.QuestionSaved>(events[1]);
        Assert.IsType<TurnEvent.AnswerDone>(events[^1]);
        Assert.Equal(2, (await api.MessagesAsync(created.Id)).Count);
    }

    [Fact]
    public async Task A_refused_turn_saves_nothing_and_leaves_the_running_one_alone()
    {
        var id = await api.NewConversationAsync();
        var finish = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        api.Ollama.Chat = _ => new FakeChatReply { Chunks = ["慢", "慢"], FinishWhen = finish.Task };
        await using var scope = api.Services.CreateAsyncScope();
        await using var other = api.Services.CreateAsyncScope();
        var running = await scope.ServiceProvider.GetRequiredService<TurnEngine>().StartAsync(Ask(id, "第一个"), Ct);

        var refusal = await Assert.ThrowsAsync<ApiProblem>(() => other.ServiceProvider.GetRequiredService<TurnEngine>().StartAsync(Ask(id, "第二个"), Ct));

        Assert.Equal((409, ProblemCodes.AnswerInProgress), (refusal.Status, refusal.Code));
        Assert.DoesNotContain(await api.MessagesAsync(id), m => m.Content == "第二个");
        finish.SetResult();
        Assert.IsType<TurnEvent.AnswerDone>((await AllAsync(running))[^1]);
        Assert.Equal(["第一个", "慢慢"], (await api.MessagesAsync(id)).Select(m => m.Content));
    }

    [Fact]
    public async Task A_stopped_turn_is_saved_cancelled_and_ollamas_request_is_aborted()
    {
        var id = await api.NewConversationAsync();
        api.Ollama.Chat = _ => new FakeChatReply { Chunks = ["一", "二", "三", "四", "五"], ChunkDelay = TimeSpan.FromSeconds(1) };
        await using var scope = api.Services.CreateAsyncScope();
        var run = await scope.ServiceProvider.GetRequiredService<TurnEngine>().StartAsync(Ask(id, "数到五"), Ct);

        var events = new List<TurnEvent>();
        await using (run)
        {
            await foreach (var e in run.Events.WithCancellation(Ct))
            {
                events.Add(e);
                if (e is TurnEvent.AnswerDelta)
                {
                    run.Stop();
                }
            }
        }

        Assert.Equal(ProblemCodes.Cancelled, Assert.IsType<TurnEvent.AnswerFailed>(events[^1]).Error.Code);
        Assert.True(await api.Ollama.ChatCancelled.WaitAsync(TimeSpan.FromSeconds(10), Ct), "Ollama's request was not cancelled");
        var answer = (await api.MessagesAsync(id))[^1];
        Assert.Equal((MessageStatus.Cancelled, "一"), (answer.Status, answer.Content));
    }

    private static TurnRequest Ask(Guid conversation, string text) =>
        TurnRequest.Ask(Owners.Local, conversation, new TurnQuestion(text, []), null, null, "test");

    private static async Task<List<TurnEvent>> AllAsync(TurnRun run)
    {
        var events = new List<TurnEvent>();
        await using (run)
        {
            await foreach (var e in run.Events.WithCancellation(Ct))
            {
                events.Add(e);
            }
        }

        return events;
    }
}

using System.Net;
using Microsoft.EntityFrameworkCore;
using MikuCloud.Testing;

namespace MikuCloud.Tests.Persistence;

/// <summary>
/// <c>POST …/messages/{id}/continue</c> over real HTTP on each provider: the model is given the answer so far as the last
/// assistant message and continues it (the fake serves it as Ollama does), the text is appended in place, usage adds up.
/// </summary>
public abstract class ContinueTests
{
    private const string Poem = "床前明月光，疑是地上霜。举头望明月，低头思故乡。";

    private readonly ApiFixture fixture;

    protected ContinueTests(ApiFixture fixture)
    {
        fixture.SkipIfUnavailable();
        this.fixture = fixture;
        fixture.Api.Ollama.Chat = body => FakeChatReply.Writing(body, Poem);
    }

    private HttpClient Client => fixture.Client;

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task Continue_appends_to_a_cut_off_answer_in_place_and_adds_up_its_usage()
    {
        // 18 tokens at most per answer: the poem (24 characters) is cut off once.
        var id = await BranchClient.NewConversationAsync(Client, Ct, new { options = new { num_predict = 18 } });
        fixture.Api.Ollama.Chat = body => FakeChatReply.Writing(body, Poem) with { PromptEvalCount = 40 };
        await BranchClient.SendAsync(Client, id, new { content = "背一首诗" }, Ct);
        var cut = (await BranchClient.BranchAsync(Client, id, Ct))[1];
        Assert.Equal((MessageStatus.Truncated, Poem[..18]), (cut.Status, cut.Content));
        fixture.Api.Ollama.Chat = body => FakeChatReply.Writing(body, Poem) with { PromptEvalCount = 55 };

        var events = await BranchClient.PostStreamAsync(Client, $"/api/conversations/{id}/messages/{cut.Id}/continue", null, Ct);

        // The model got the branch and the partial answer as the last (assistant) message, and continued it.
        var prompt = fixture.Api.Ollama.ChatRequests.Last()["messages"]!.AsArray();
        Assert.Equal(("assistant", Poem[..18]), (prompt[^1]!["role"]!.GetValue<string>(), prompt[^1]!["content"]!.GetValue<string>()));
        Assert.Equal(["背一首诗", Poem[..18]], BranchTests.Prompt(fixture.Api.Ollama.ChatRequests.Last()));
        // Deltas carry only the new text; done the whole answer, the same message, its counts added up.
        Assert.Equal(Poem[18..], string.Concat(events.Where(e => e.Name == "delta").Select(e => e.Data!["text"]!.GetValue<string>())));
        var done = events[^1].Data!;
        Assert.Equal((cut.Id, Poem, MessageStatus.Complete), (done["id"]!.GetValue<Guid>(), done["content"]!.GetValue<string>(), done["status"]!.GetValue<string>()));
        Assert.Equal(18 + 6, done["usage"]!["outputTokens"]!.GetValue<int>());
        Assert.Equal(40 + 55, done["usage"]!["inputTokens"]!.GetValue<int>());
        Assert.True(done["timings"]!["totalMs"]!.GetValue<double>() >= cut.Timings!.TotalMs!.Value);
        Assert.Equal(cut.Timings!.TimeToFirstTokenMs, done["timings"]!["timeToFirstTokenMs"]!.GetValue<double>());

        var saved = await BranchClient.BranchAsync(Client, id, Ct);
        Assert.Equal([cut.Id], saved.Skip(1).Select(m => m.Id)); // appended in place, not a new message
        Assert.Equal((Poem, MessageStatus.Complete, 24), (saved[1].Content, saved[1].Status, saved[1].Usage!.OutputTokens));
        // Usage counts each part once: the first answer, then the continuation.
        var usage = await fixture.Api.WithDbAsync(db => db.AnswerUsage.Where(u => u.MessageId == cut.Id).OrderBy(u => u.CreatedAt).Select(u => u.OutputTokens).ToListAsync(Ct));
        Assert.Equal([18, 6], usage);

        // Finished now: nothing more to continue.
        using var again = await Client.PostAsync($"/api/conversations/{id}/messages/{cut.Id}/continue", null, Ct);
        Assert.Equal(ProblemCodes.NotContinuable, (await Problems.AssertProblemAsync(again, HttpStatusCode.Conflict)).GetProperty("code").GetString());
    }

    [Fact]
    public async Task An_interrupted_answer_continues_and_loses_its_restart_error()
    {
        var id = await BranchClient.NewConversationAsync(Client, Ct);
        await BranchClient.SendAsync(Client, id, new { content = "背一首诗" }, Ct);
        var answer = (await BranchClient.BranchAsync(Client, id, Ct))[1];
        // As a crash leaves it: streaming when the process died, closed at the next start with what it had.
        await fixture.Api.WithDbAsync(db => db.Messages.Where(m => m.Id == answer.Id).ExecuteUpdateAsync(s => s
            .SetProperty(m => m.Content, Poem[..5]).SetProperty(m => m.Status, MessageStatus.Interrupted)
            .SetProperty(m => m.ErrorCode, "server_restarted").SetProperty(m => m.ErrorMessage, "The server restarted."), Ct));

        var events = await BranchClient.PostStreamAsync(Client, $"/api/conversations/{id}/messages/{answer.Id}/continue", null, Ct);

        Assert.Equal(Poem[5..], string.Concat(events.Where(e => e.Name == "delta").Select(e => e.Data!["text"]!.GetValue<string>())));
        var saved = (await BranchClient.BranchAsync(Client, id, Ct))[1];
        Assert.Equal((Poem, MessageStatus.Complete, (ErrorDto?)null), (saved.Content, saved.Status, saved.Error));
    }

    [Fact]
    public async Task Only_a_cut_off_or_stopped_last_answer_of_the_conversation_can_be_continued()
    {
        var id = await BranchClient.NewConversationAsync(Client, Ct, new { options = new { num_predict = 18 } });
        await BranchClient.SendAsync(Client, id, new { content = "one" }, Ct);
        var first = await BranchClient.BranchAsync(Client, id, Ct);
        await BranchClient.SendAsync(Client, id, new { content = "two" }, Ct);
        var requests = fixture.Api.Ollama.ChatRequests.Count();

        // A question; a cut-off answer with a question after it; an unknown id.
        using var question = await Client.PostAsync($"/api/conversations/{id}/messages/{first[0].Id}/continue", null, Ct);
        using var followed = await Client.PostAsync($"/api/conversations/{id}/messages/{first[1].Id}/continue", null, Ct);
        using var unknown = await Client.PostAsync($"/api/conversations/{id}/messages/{Guid.NewGuid()}/continue", null, Ct);

        Assert.Equal(MessageStatus.Truncated, first[1].Status);
        Assert.Equal(ProblemCodes.NotContinuable, (await Problems.AssertProblemAsync(question, HttpStatusCode.Conflict)).GetProperty("code").GetString());
        Assert.Equal(ProblemCodes.NotContinuable, (await Problems.AssertProblemAsync(followed, HttpStatusCode.Conflict)).GetProperty("code").GetString());
        Assert.Equal(ProblemCodes.MessageNotFound, (await Problems.AssertProblemAsync(unknown, HttpStatusCode.NotFound)).GetProperty("code").GetString());
        Assert.Equal(requests, fixture.Api.Ollama.ChatRequests.Count()); // the model was not asked
    }

    [Fact]
    public async Task A_continuation_the_model_server_refuses_leaves_the_answer_as_it_was()
    {
        var id = await BranchClient.NewConversationAsync(Client, Ct, new { options = new { num_predict = 18 } });
        await BranchClient.SendAsync(Client, id, new { content = "背一首诗" }, Ct);
        var cut = (await BranchClient.BranchAsync(Client, id, Ct))[1];
        fixture.Api.Ollama.Chat = _ => new FakeChatReply { Status = 503, ErrorBody = OllamaWire.Text("error-busy.json") };
        try
        {
            using var refused = await Client.PostAsync($"/api/conversations/{id}/messages/{cut.Id}/continue", null, Ct);
            Assert.True(refused.StatusCode is HttpStatusCode.TooManyRequests or HttpStatusCode.ServiceUnavailable, refused.StatusCode.ToString());
        }
        finally
        {
            fixture.Api.Ollama.Chat = body => FakeChatReply.Writing(body, Poem);
        }

        var after = (await BranchClient.BranchAsync(Client, id, Ct))[1];
        Assert.Equal((cut.Id, cut.Content, cut.Status, cut.Usage, cut.Timings), (after.Id, after.Content, after.Status, after.Usage, after.Timings));
    }
}

public sealed class SqliteContinueTests(SqliteApiFixture fixture) : ContinueTests(fixture), IClassFixture<SqliteApiFixture>;

public sealed class PostgresContinueTests(PostgresApiFixture fixture) : ContinueTests(fixture), IClassFixture<PostgresApiFixture>;

using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using MikuCloud.Testing;
using MikuCloud.Tests.Api;

namespace MikuCloud.Tests.Persistence;

/// <summary>
/// Edit and branches over real HTTP, the same assertions for each database provider: the message tree, the branch the
/// model is given (the fake records every prompt), the <c>‹ 2/3 ›</c> siblings, switching, and the exports.
/// </summary>
public abstract class BranchTests
{
    private readonly ApiFixture fixture;

    protected BranchTests(ApiFixture fixture)
    {
        fixture.SkipIfUnavailable();
        this.fixture = fixture;
        // A model that answers "A(<the question>)", so every answer says which question it followed.
        fixture.Api.Ollama.Chat = body => FakeChatReply.Writing(body, $"A({LastQuestion(body)})");
    }

    private HttpClient Client => fixture.Client;

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task Editing_an_earlier_question_starts_a_branch_the_model_follows_and_switching_back_restores_the_old_one()
    {
        var id = await BranchClient.NewConversationAsync(Client, Ct);
        foreach (var question in new[] { "q1", "q2", "q3" })
        {
            await BranchClient.SendAsync(Client, id, new { content = question }, Ct);
        }

        var original = await BranchClient.BranchAsync(Client, id, Ct);
        Assert.Equal(["q1", "A(q1)", "q2", "A(q2)", "q3", "A(q3)"], original.Select(m => m.Content));
        Assert.All(original, m => Assert.Equal((1, 1), (m.Siblings!.Position, m.Siblings.Count)));
        Assert.Null(original[0].ParentId);
        Assert.Equal(original.SkipLast(1).Select(m => (Guid?)m.Id), original.Skip(1).Select(m => m.ParentId));

        // Edit q2: the new question is its sibling, and the model sees only what came before q2.
        await BranchClient.SendAsync(Client, id, new { content = "q2 edited", editOf = original[2].Id }, Ct);
        Assert.Equal(["q1", "A(q1)", "q2 edited"], Prompt(fixture.Api.Ollama.ChatRequests.Last()));
        var edited = await BranchClient.BranchAsync(Client, id, Ct);
        Assert.Equal(["q1", "A(q1)", "q2 edited", "A(q2 edited)"], edited.Select(m => m.Content));
        Assert.Equal((2, 2), (edited[2].Siblings!.Position, edited[2].Siblings!.Count));
        Assert.Equal([original[2].Id, edited[2].Id], edited[2].Siblings!.Ids);
        Assert.Equal((1, 1), (edited[3].Siblings!.Position, edited[3].Siblings!.Count));

        // The next question follows the chosen branch.
        await BranchClient.SendAsync(Client, id, new { content = "q4" }, Ct);
        Assert.Equal(["q1", "A(q1)", "q2 edited", "A(q2 edited)", "q4"], Prompt(fixture.Api.Ollama.ChatRequests.Last()));

        // ‹ 1/2 ›: back to the first q2, down to the newest message under it; the model follows it again.
        var switched = await BranchClient.SwitchAsync(Client, id, original[2].Id, Ct);
        Assert.Equal(original.Select(m => m.Id), switched.Select(m => m.Id));
        Assert.Equal((1, 2), (switched[2].Siblings!.Position, switched[2].Siblings!.Count));
        Assert.Equal(original[^1].Id, (await Client.GetFromJsonAsync<ConversationDto>($"/api/conversations/{id}", Ct))!.CurrentMessageId);
        await BranchClient.SendAsync(Client, id, new { content = "q5" }, Ct);
        Assert.Equal(["q1", "A(q1)", "q2", "A(q2)", "q3", "A(q3)", "q5"], Prompt(fixture.Api.Ollama.ChatRequests.Last()));

        // Choosing the edited q2 again lands on the newest message under it (q4's answer), not on q2 edited.
        var back = await BranchClient.SwitchAsync(Client, id, edited[2].Id, Ct);
        Assert.Equal(["q1", "A(q1)", "q2 edited", "A(q2 edited)", "q4", "A(q4)"], back.Select(m => m.Content));
        Assert.Equal(12, (await fixture.Api.MessagesAsync(id)).Count); // nothing was deleted: every question and answer of every branch
    }

    [Fact]
    public async Task A_question_can_follow_any_message_named_by_parentId()
    {
        var id = await BranchClient.NewConversationAsync(Client, Ct);
        await BranchClient.SendAsync(Client, id, new { content = "first" }, Ct);
        await BranchClient.SendAsync(Client, id, new { content = "second" }, Ct);
        var branch = await BranchClient.BranchAsync(Client, id, Ct);

        await BranchClient.SendAsync(Client, id, new { content = "instead of second", parentId = branch[1].Id }, Ct);

        Assert.Equal(["first", "A(first)", "instead of second"], Prompt(fixture.Api.Ollama.ChatRequests.Last()));
        var now = await BranchClient.BranchAsync(Client, id, Ct);
        Assert.Equal(["first", "A(first)", "instead of second", "A(instead of second)"], now.Select(m => m.Content));
        Assert.Equal([branch[2].Id, now[2].Id], now[2].Siblings!.Ids);
    }

    [Fact]
    public async Task Editing_the_first_question_makes_a_second_root()
    {
        var id = await BranchClient.NewConversationAsync(Client, Ct);
        await BranchClient.SendAsync(Client, id, new { content = "hello" }, Ct);
        var first = await BranchClient.BranchAsync(Client, id, Ct);

        await BranchClient.SendAsync(Client, id, new { content = "hi", editOf = first[0].Id }, Ct);

        Assert.Equal(["hi"], Prompt(fixture.Api.Ollama.ChatRequests.Last()));
        var now = await BranchClient.BranchAsync(Client, id, Ct);
        Assert.Equal(["hi", "A(hi)"], now.Select(m => m.Content));
        Assert.Null(now[0].ParentId);
        Assert.Equal((2, 2), (now[0].Siblings!.Position, now[0].Siblings!.Count));
    }

    [Fact]
    public async Task Switching_back_to_the_first_root_makes_the_next_question_follow_it()
    {
        // Found in Chromium: ‹ on an edited first question showed the old branch, but the next question went on the new one.
        var id = await BranchClient.NewConversationAsync(Client, Ct);
        await BranchClient.SendAsync(Client, id, new { content = "hello" }, Ct);
        var first = await BranchClient.BranchAsync(Client, id, Ct);
        await BranchClient.SendAsync(Client, id, new { content = "hi", editOf = first[0].Id }, Ct);

        var switched = await BranchClient.SwitchAsync(Client, id, first[0].Id, Ct);
        Assert.Equal(["hello", "A(hello)"], switched.Select(m => m.Content));
        await BranchClient.SendAsync(Client, id, new { content = "next" }, Ct);

        Assert.Equal(["hello", "A(hello)", "next"], Prompt(fixture.Api.Ollama.ChatRequests.Last()));
        Assert.Equal(["hello", "A(hello)", "next", "A(next)"], (await BranchClient.BranchAsync(Client, id, Ct)).Select(m => m.Content));
    }

    [Fact]
    public async Task Regenerate_keeps_the_earlier_answers_as_siblings_and_each_can_be_chosen_again()
    {
        var id = await BranchClient.NewConversationAsync(Client, Ct);
        await BranchClient.SendAsync(Client, id, new { content = "why" }, Ct);
        var first = (await BranchClient.BranchAsync(Client, id, Ct))[1];
        fixture.Api.Ollama.Chat = body => FakeChatReply.Writing(body, "because");

        await BranchClient.PostStreamAsync(Client, $"/api/conversations/{id}/messages/{first.Id}/regenerate", null, Ct);

        Assert.Equal(["why"], Prompt(fixture.Api.Ollama.ChatRequests.Last())); // not the answer it replaces
        var now = await BranchClient.BranchAsync(Client, id, Ct);
        Assert.Equal(["why", "because"], now.Select(m => m.Content));
        Assert.Equal((2, 2), (now[1].Siblings!.Position, now[1].Siblings!.Count));
        Assert.Equal([first.Id, now[1].Id], now[1].Siblings!.Ids);

        var earlier = await BranchClient.SwitchAsync(Client, id, first.Id, Ct);
        Assert.Equal(["why", "A(why)"], earlier.Select(m => m.Content));
        Assert.Equal((1, 2), (earlier[1].Siblings!.Position, earlier[1].Siblings!.Count));

        // The chosen answer is the last one again: regenerating it makes a third sibling.
        fixture.Api.Ollama.Chat = body => FakeChatReply.Writing(body, "since");
        await BranchClient.PostStreamAsync(Client, $"/api/conversations/{id}/messages/{first.Id}/regenerate", null, Ct);
        var third = await BranchClient.BranchAsync(Client, id, Ct);
        Assert.Equal(["why", "since"], third.Select(m => m.Content));
        Assert.Equal((3, 3), (third[1].Siblings!.Position, third[1].Siblings!.Count));
    }

    [Fact]
    public async Task Switching_to_a_message_of_another_conversation_or_without_a_message_id_changes_nothing()
    {
        var id = await BranchClient.NewConversationAsync(Client, Ct);
        var other = await BranchClient.NewConversationAsync(Client, Ct);
        await BranchClient.SendAsync(Client, id, new { content = "mine" }, Ct);
        await BranchClient.SendAsync(Client, other, new { content = "elsewhere" }, Ct);
        var elsewhere = (await BranchClient.BranchAsync(Client, other, Ct))[0];
        var before = await Client.GetFromJsonAsync<ConversationDto>($"/api/conversations/{id}", Ct);

        using var foreign = await Client.PutAsJsonAsync($"/api/conversations/{id}/branch", new { messageId = elsewhere.Id }, Ct);
        using var missing = await Client.PutAsJsonAsync($"/api/conversations/{id}/branch", new { }, Ct);
        using var notAnId = await Client.PutAsJsonAsync($"/api/conversations/{id}/branch", new { messageId = "yesterday" }, Ct);

        Assert.Equal(ProblemCodes.MessageNotFound, (await Problems.AssertProblemAsync(foreign, HttpStatusCode.NotFound)).GetProperty("code").GetString());
        await Problems.AssertValidationAsync(missing, "messageId");
        await Problems.AssertValidationAsync(notAnId, "messageId");
        Assert.Equal(before!.CurrentMessageId, (await Client.GetFromJsonAsync<ConversationDto>($"/api/conversations/{id}", Ct))!.CurrentMessageId);
    }

    [Fact]
    public async Task Markdown_export_writes_the_chosen_branch_and_JSON_the_whole_tree()
    {
        var id = await BranchClient.NewConversationAsync(Client, Ct, new { title = "Branches" });
        await BranchClient.SendAsync(Client, id, new { content = "old question" }, Ct);
        var old = await BranchClient.BranchAsync(Client, id, Ct);
        await BranchClient.SendAsync(Client, id, new { content = "new question", editOf = old[0].Id }, Ct);

        var markdown = await Client.GetStringAsync($"/api/conversations/{id}/export?format=md", Ct);
        var json = JsonNode.Parse(await Client.GetStringAsync($"/api/conversations/{id}/export?format=json", Ct))!;

        Assert.Contains("new question", markdown, StringComparison.Ordinal);
        Assert.Contains("A(new question)", markdown, StringComparison.Ordinal);
        Assert.DoesNotContain("old question", markdown, StringComparison.Ordinal);
        var messages = json["messages"]!.AsArray();
        Assert.Equal(["old question", "A(old question)", "new question", "A(new question)"], messages.Select(m => m!["content"]!.GetValue<string>()));
        var ids = messages.Select(m => m!["id"]!.GetValue<Guid>()).ToList();
        Assert.Equal([null, ids[0], null, ids[2]], messages.Select(m => m!["parentId"]?.GetValue<Guid?>()));
        Assert.Equal(ids[3], json["conversation"]!["currentMessageId"]!.GetValue<Guid>());
    }

    private static string LastQuestion(JsonObject body) =>
        body["messages"]!.AsArray().Last(m => m!["role"]!.GetValue<string>() == "user")!["content"]!.GetValue<string>();

    /// <summary>The conversation the model was given: every user and assistant message's text (the system prompt left out).</summary>
    internal static List<string> Prompt(JsonObject request) =>
        request["messages"]!.AsArray().Where(m => m!["role"]!.GetValue<string>() != "system").Select(m => m!["content"]!.GetValue<string>()).ToList();
}

public sealed class SqliteBranchTests(SqliteApiFixture fixture) : BranchTests(fixture), IClassFixture<SqliteApiFixture>;

public sealed class PostgresBranchTests(PostgresApiFixture fixture) : BranchTests(fixture), IClassFixture<PostgresApiFixture>;

using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Microsoft.Playwright;
using MikuCloud.Testing;
using static Microsoft.Playwright.Assertions;

namespace MikuCloud.Tests.Browser;

/// <summary>Edit an earlier question and switch between the branches; continue an answer cut off at the length limit (issue 19).</summary>
[Collection(BrowserCollection.Name)]
public class BranchBrowserTests(BrowserFixture fixture) : BrowserTest(fixture)
{
    private const string Poem = "床前明月光，疑是地上霜。举头望明月，低头思故乡。";

    /// <summary>The user turns and answers the model was given last (the system prompt left out).</summary>
    private List<string> LastPrompt() => Persistence.BranchTests.Prompt(Fixture.Ollama.ChatRequests.Last());

    [Fact]
    public async Task An_edited_question_starts_a_branch_and_the_switcher_chooses_which_one_the_model_is_given()
    {
        // The model answers "答：" and the question it was asked, so each branch's answer says which question it had.
        Fixture.Ollama.Chat = request => new FakeChatReply
        {
            Chunks = ["答：", request["messages"]!.AsArray()[^1]!["content"]!.GetValue<string>()], ChunkDelay = TimeSpan.FromMilliseconds(40),
        };
        var page = await OpenAsync();
        await SendAsync(page, "第一个问题");
        await WaitForAnswerAsync(page);

        var question = page.Locator("article.message.user").Last;
        await question.GetByRole(AriaRole.Button, new() { Name = "编辑并重新发送" }).ClickAsync();
        var editor = question.GetByTestId("question-editor");
        await editor.Locator("textarea").FillAsync("改过的问题");
        await editor.GetByRole(AriaRole.Button, new() { Name = "发送" }).ClickAsync();
        await WaitForAnswerAsync(page);

        await Expect(page.Locator("article.message")).ToHaveCountAsync(2); // the new branch replaces the old one on screen
        await Expect(LastAnswer(page).Locator(".markdown")).ToHaveTextAsync("答：改过的问题");
        await Expect(question.GetByTestId("branch-position")).ToHaveTextAsync("2/2");

        // Back to the first version: its question and answer come back, and the next question follows that branch.
        await question.GetByRole(AriaRole.Button, new() { Name = "上一个版本" }).ClickAsync();
        await Expect(question.Locator(".user-text")).ToHaveTextAsync("第一个问题");
        await Expect(question.GetByTestId("branch-position")).ToHaveTextAsync("1/2");
        await Expect(LastAnswer(page).Locator(".markdown")).ToHaveTextAsync("答：第一个问题");
        await SendAsync(page, "接着问");
        await Expect(page.Locator("article.message")).ToHaveCountAsync(4);
        await WaitForAnswerAsync(page);
        Assert.Equal(["第一个问题", "答：第一个问题", "接着问"], LastPrompt());

        // The choice is the conversation's, not the page's: a reload shows the same branch.
        await page.ReloadAsync();
        await page.WaitForSelectorAsync("html[data-interactive]");
        await Expect(page.Locator("article.message.user .user-text")).ToHaveTextAsync(["第一个问题", "接着问"]);
        await ScreenshotAsync(page, "chat-branches");
    }

    [Fact]
    public async Task An_answer_cut_off_at_the_length_limit_continues_in_place_from_where_it_stopped()
    {
        // At most 12 tokens an answer: the poem (24 characters, one token each) is cut off halfway.
        using var api = Fixture.Api.CreateClient();
        using var created = await api.PostAsJsonAsync("/api/conversations", new { title = "静夜思", options = new { num_predict = 12 } }, Ct);
        var id = (await created.Content.ReadFromJsonAsync<JsonObject>(Ct))!["id"]!.GetValue<Guid>();
        Fixture.Ollama.Chat = request => FakeChatReply.Writing(request, Poem) with { ChunkDelay = TimeSpan.FromMilliseconds(30) };
        var page = await OpenAsync($"/c/{id}");
        await SendAsync(page, "背一首诗");
        await WaitForAnswerAsync(page, MessageStatus.Truncated);
        await Expect(LastAnswer(page).Locator(".markdown")).ToHaveTextAsync(Poem[..12]);

        await LastAnswer(page).GetByTestId("continue").ClickAsync();
        await WaitForAnswerAsync(page);

        // The same message grew: the model was given the cut-off text as its own last turn and went on from there.
        await Expect(page.Locator("article.message.assistant")).ToHaveCountAsync(1);
        await Expect(LastAnswer(page).Locator(".markdown")).ToHaveTextAsync(Poem);
        Assert.Equal(["背一首诗", Poem[..12]], LastPrompt());
        Assert.Equal("assistant", Fixture.Ollama.ChatRequests.Last()["messages"]!.AsArray()[^1]!["role"]!.GetValue<string>());
        await Expect(LastAnswer(page).GetByTestId("continue")).ToHaveCountAsync(0); // complete now: nothing left to continue
    }
}

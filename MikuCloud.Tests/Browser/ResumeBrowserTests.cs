using System.Net.Http.Json;
using Microsoft.Playwright;
using MikuCloud.Testing;
using static Microsoft.Playwright.Assertions;

namespace MikuCloud.Tests.Browser;

/// <summary>
/// Answers that outlive their page (issue 19): a reload mid-answer picks it up where it was, and another tab sees it
/// being written and can stop it. The model pauses half-way until the test has looked (a page load can take seconds on
/// a busy machine), then goes on at its pace, so the text that arrives after the look is live.
/// </summary>
[Collection(BrowserCollection.Name)]
public class ResumeBrowserTests(BrowserFixture fixture) : BrowserTest(fixture)
{
    private static string[] Sentences(int count) => [.. Enumerable.Range(1, count).Select(i => $"第{i}句。")];

    /// <summary>Writes <paramref name="sentences"/> ten a second, stopping before the 11th until <paramref name="goOn"/>.</summary>
    private void AnswerWithPause(string[] sentences, Task goOn) => Fixture.Ollama.Chat = _ => new FakeChatReply
    {
        Chunks = sentences, ChunkDelay = TimeSpan.FromMilliseconds(100), PaceFromFirstChunk = true, Pause = (10, goOn),
    };

    [Fact]
    public async Task Reloading_mid_answer_shows_it_still_being_written_and_it_completes_with_nothing_lost_or_doubled()
    {
        var sentences = Sentences(40);
        var goOn = new TaskCompletionSource();
        AnswerWithPause(sentences, goOn.Task);
        var page = await OpenAsync();
        await SendAsync(page, "数到四十");
        await Expect(page).ToHaveURLAsync(ConversationUrl);
        await Expect(LastAnswer(page).Locator(".markdown")).ToContainTextAsync("第10句。");
        var asked = Fixture.Ollama.ChatRequests.Count();

        await page.ReloadAsync();
        await page.WaitForSelectorAsync("html[data-interactive]");

        // The reloaded page attaches to the answer: still being written, its text so far shown, the rest arriving live.
        await Expect(page.Locator("article.message.assistant.streaming .markdown")).ToHaveTextAsync(string.Concat(sentences[..10]));
        await Expect(page.GetByRole(AriaRole.Button, new() { Name = "停止生成" })).ToBeVisibleAsync();
        goOn.SetResult();
        await Expect(page.Locator("article.message.assistant.streaming .markdown")).ToContainTextAsync("第20句。");
        await WaitForAnswerAsync(page);
        await Expect(LastAnswer(page).Locator(".markdown")).ToHaveTextAsync(string.Concat(sentences));
        await Expect(page.Locator("article.message.assistant")).ToHaveCountAsync(1);
        Assert.Equal(asked, Fixture.Ollama.ChatRequests.Count()); // the same generation went on: the model was not asked again
    }

    [Fact]
    public async Task A_second_tab_sees_the_answer_being_written_and_its_Stop_stops_it_in_both()
    {
        var sentences = Sentences(300); // half a minute: Stop comes long before the end
        var goOn = new TaskCompletionSource();
        AnswerWithPause(sentences, goOn.Task);
        var first = await OpenAsync();
        await SendAsync(first, "数到三百");
        await Expect(first).ToHaveURLAsync(ConversationUrl);
        await Expect(LastAnswer(first).Locator(".markdown")).ToContainTextAsync("第10句。");

        var second = await OpenAsync(new Uri(first.Url).AbsolutePath);
        var secondText = second.Locator("article.message.assistant.streaming .markdown");
        await Expect(secondText).ToHaveTextAsync(string.Concat(sentences[..10]));
        goOn.SetResult();
        await Expect(secondText).ToContainTextAsync("第15句。"); // live: written after the tab opened
        await second.GetByRole(AriaRole.Button, new() { Name = "停止生成" }).ClickAsync();

        await WaitForAnswerAsync(second, "cancelled");
        await WaitForAnswerAsync(first, "cancelled");
        using var api = Fixture.Api.CreateClient();
        var id = new Uri(first.Url).AbsolutePath.Split('/')[^1];
        var saved = (await api.GetFromJsonAsync<Page<MessageDto>>($"/api/conversations/{id}/messages", Ct))!.Items[^1];
        Assert.Equal(MessageStatus.Cancelled, saved.Status);
        Assert.True(saved.Content.Length < string.Concat(sentences).Length / 2, "the answer was not stopped");
        // Both tabs show what was saved, no more and no less.
        await Expect(LastAnswer(second).Locator(".markdown")).ToHaveTextAsync(saved.Content);
        await Expect(LastAnswer(first).Locator(".markdown")).ToHaveTextAsync(saved.Content);
    }
}

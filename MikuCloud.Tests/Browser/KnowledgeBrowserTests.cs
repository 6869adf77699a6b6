using System.Text;
using System.Text.RegularExpressions;
using Microsoft.Playwright;
using MikuCloud.Testing;
using static Microsoft.Playwright.Assertions;

namespace MikuCloud.Tests.Browser;

/// <summary>
/// Knowledge bases in Chromium, end to end through the Web, the API, its ingestion worker and retrieval: a document
/// uploaded becomes ready, a conversation answers from it, and the answer's citation opens the passage.
/// </summary>
[Collection(BrowserCollection.Name)]
public class KnowledgeBrowserTests(BrowserFixture fixture) : BrowserTest(fixture)
{
    private const string Manual = """
        # Warranty

        How long is the warranty? The warranty of the MikuCloud speaker lasts two years from the date of purchase.
        The battery is covered for one year.
        """;

    [Fact]
    public async Task An_uploaded_document_becomes_ready_and_an_answer_from_it_cites_the_document_and_page_and_opens_the_passage()
    {
        var page = await OpenAsync("/");
        await page.GetByTestId("knowledge-link").ClickAsync();
        await Expect(page).ToHaveURLAsync(new Regex("/knowledge$"));

        var name = $"手册 {Guid.NewGuid():N}"[..10];
        await page.GetByTestId("knowledge-new-name").FillAsync(name);
        await page.GetByTestId("knowledge-create").ClickAsync();
        await Expect(page).ToHaveURLAsync(new Regex("/knowledge/[0-9a-f-]{36}$"));
        await page.SetInputFilesAsync("#knowledge-files", new[]
        {
            new FilePayload { Name = "speaker-manual.md", MimeType = "text/markdown", Buffer = Encoding.UTF8.GetBytes(Manual) },
        });
        var row = page.Locator("table.documents tbody tr", new() { HasText = "speaker-manual.md" });
        await Expect(row.GetByTestId("knowledge-document-status")).ToHaveTextAsync("可用", new() { Timeout = 60_000 }); // live from the events stream
        await ScreenshotAsync(page, "knowledge-desktop-light");

        Fixture.Ollama.Chat = _ => new FakeChatReply { Chunks = ["保修期是", "两年 [1]。"] };
        await page.Locator("a.back").ClickAsync();
        await Expect(page).ToHaveURLAsync(new Regex("/$"));
        await page.GetByTestId("knowledge-toggle").ClickAsync();
        await page.Locator("[data-testid=knowledge-picker] .trigger").ClickAsync();
        await page.Locator("[data-testid=knowledge-picker] label.option", new() { HasText = name }).ClickAsync();
        await Expect(page.Locator("[data-testid=knowledge-picker] .value")).ToHaveTextAsync(name);
        await SendAsync(page, "How long is the warranty?");
        await WaitForAnswerAsync(page);

        var chip = LastAnswer(page).Locator(".markdown button.cite");
        await Expect(chip).ToHaveTextAsync("1");
        await Expect(chip).ToHaveAttributeAsync("title", "来源 1：speaker-manual.md，第 1 页");
        var source = LastAnswer(page).Locator("[data-testid=citation-sources] button[data-source='1']");
        await Expect(source).ToContainTextAsync("speaker-manual.md");
        await Expect(source).ToContainTextAsync("第 1 页");

        await chip.ClickAsync();
        var dialog = page.GetByTestId("passage-dialog");
        await Expect(dialog.Locator("#passage-title")).ToContainTextAsync("speaker-manual.md");
        await Expect(dialog.GetByTestId("passage-text")).ToContainTextAsync("lasts two years");
        await Expect(dialog.Locator("mark")).Not.ToBeEmptyAsync();
        await ScreenshotAsync(page, "knowledge-passage-desktop-light");
        await page.Keyboard.PressAsync("Escape");
        await Expect(dialog).ToHaveCountAsync(0);

        // The prompt Ollama got carried the passage, numbered as the answer cites it.
        var prompt = string.Join("\n", Fixture.Ollama.ChatRequests.Last()["messages"]!.AsArray().Select(m => m!["content"]?.ToString()));
        Assert.Contains("lasts two years", prompt, StringComparison.Ordinal);
    }
}

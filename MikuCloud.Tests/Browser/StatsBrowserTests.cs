using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace MikuCloud.Tests.Browser;

/// <summary>The in-app dashboard renders in Chromium with the numbers of a real chat.</summary>
[Collection(BrowserCollection.Name)]
public class StatsBrowserTests(BrowserFixture fixture) : BrowserTest(fixture)
{
    [Fact]
    public async Task The_stats_page_shows_a_chat_that_just_happened()
    {
        var page = await OpenAsync("/");
        await SendAsync(page, "用古诗词的风格描述一下人工智能");
        await WaitForAnswerAsync(page);

        await page.GetByRole(AriaRole.Link, new() { Name = "性能统计" }).ClickAsync();
        await Expect(page).ToHaveURLAsync(new System.Text.RegularExpressions.Regex("/stats$"));
        await Expect(page.Locator("[data-stat=requests] .value")).Not.ToHaveTextAsync("0");
        await Expect(page.Locator("figure.trend")).ToHaveCountAsync(3);
        await Expect(page.Locator("figure.trend circle.point").First).ToBeVisibleAsync(); // one answer: one point
        await Expect(page.Locator("tr[data-key=balanced]")).ToBeVisibleAsync();
        await ScreenshotAsync(page, "stats-desktop-light");

        await page.GetByRole(AriaRole.Link, new() { Name = "1 小时" }).ClickAsync();
        await Expect(page).ToHaveURLAsync(new System.Text.RegularExpressions.Regex("window=1h"));
        // The page is prerendered with its numbers: no need to wait for the interactive circuit.
        var (context, phone) = await Fixture.NewPageAsync("zh-CN", 390, 844, ColorScheme.Dark);
        await using var _ = context;
        await phone.GotoAsync("/stats");
        await Expect(phone.Locator("[data-stat=ttft] .value")).ToBeVisibleAsync();
        await ScreenshotAsync(phone, "stats-phone-dark");
    }
}

using Microsoft.Playwright;
using MikuCloud.Testing;
using static Microsoft.Playwright.Assertions;

namespace MikuCloud.Tests.Browser;

/// <summary>
/// Formulas in Chromium: KaTeX's HTML from the server, its stylesheet and fonts from the Web itself, under the strict CSP
/// (no violation, no console error); a formula streaming in shows as text until it closes and never as an error; the
/// formulas take the theme's text colour, so they read in light and dark.
/// </summary>
[Collection(BrowserCollection.Name)]
public class MathsBrowserTests(BrowserFixture fixture) : BrowserTest(fixture)
{
    /// <summary>
    /// Registered before any page script: CSP violations, and every DOM change of an answer checked for a KaTeX error
    /// (a half-streamed formula rendered too early) or a formula still shown as text.
    /// </summary>
    private const string Watch = """
        window.__violations = [];
        document.addEventListener("securitypolicyviolation", e => window.__violations.push(e.violatedDirective + " " + e.blockedURI));
        window.__maths = { errors: 0, pending: 0 };
        new MutationObserver(() => {
            if (document.querySelector("article.message.assistant .katex-error")) window.__maths.errors++;
            if (document.querySelector("article.message.assistant .math-pending")) window.__maths.pending++;
        }).observe(document, { childList: true, subtree: true, characterData: true });
        """;

    [Fact]
    public async Task Formulas_stream_in_and_render_with_katex_fonts_and_no_csp_violation_in_light_and_dark()
    {
        Fixture.Ollama.Chat = _ => new FakeChatReply
        {
            Chunks = ["勾股定理：\n\n$$\n", "a^2 + b^2", " = c^2\n", "$$\n\n面积 \\(S = \\frac{1}{2}", "ab\\)，根号 $\\sqrt{2}$。"],
            ChunkDelay = TimeSpan.FromMilliseconds(300),
        };
        var errorsBefore = Fixture.ConsoleErrors.Count;
        await using var light = await WatchedPageAsync(ColorScheme.Light);
        var page = light.Pages[0];

        await SendAsync(page, "勾股定理是什么？");
        await WaitForAnswerAsync(page);
        var answer = LastAnswer(page);
        await Expect(answer.Locator(".math .katex")).ToHaveCountAsync(3);
        await Expect(answer.Locator(".katex-display annotation")).ToHaveTextAsync("a^2 + b^2 = c^2");
        var seen = await page.EvaluateAsync<Dictionary<string, int>>("() => window.__maths");
        Assert.True(seen["pending"] > 0, "the open $$ block was never shown as text while it streamed");
        Assert.Equal(0, seen["errors"]);
        await AssertKatexFontsLoadedAsync(page);
        await AssertFormulaTakesTextColourAsync(answer, dark: false);
        await ScreenshotAsync(page, "maths-light");

        // The saved conversation, rendered by the server for a fresh page, in dark mode.
        await using var dark = await WatchedPageAsync(ColorScheme.Dark, page.Url);
        var darkPage = dark.Pages[0];
        var saved = LastAnswer(darkPage);
        await Expect(saved.Locator(".math .katex")).ToHaveCountAsync(3);
        await AssertKatexFontsLoadedAsync(darkPage);
        await AssertFormulaTakesTextColourAsync(saved, dark: true);
        await ScreenshotAsync(darkPage, "maths-dark");

        foreach (var p in new[] { page, darkPage })
        {
            Assert.Empty(await p.EvaluateAsync<string[]>("() => window.__violations"));
        }

        Assert.Empty(Fixture.ConsoleErrors.Skip(errorsBefore));
    }

    private async Task<IBrowserContext> WatchedPageAsync(ColorScheme scheme, string path = "/")
    {
        var (context, page) = await Fixture.NewPageAsync(colorScheme: scheme);
        await context.AddInitScriptAsync(Watch);
        await GotoAsync(page, path);
        return context;
    }

    private static async Task AssertKatexFontsLoadedAsync(IPage page)
    {
        var loaded = await page.EvaluateAsync<string[]>("""
            async () => { await document.fonts.ready; return [...document.fonts].filter(f => f.status === "loaded").map(f => f.family.replaceAll('"', "")); }
            """);
        Assert.Contains("KaTeX_Main", loaded);
        Assert.Contains("KaTeX_Math", loaded);
    }

    private static async Task AssertFormulaTakesTextColourAsync(ILocator answer, bool dark)
    {
        var colours = await answer.Locator(".katex").First.EvaluateAsync<string[]>("""
            k => [getComputedStyle(k.querySelector(".mord")).color, getComputedStyle(k.closest(".bubble")).color]
            """);
        var formula = colours[0];
        Assert.Equal(colours[1], formula);
        var rgb = formula[(formula.IndexOf('(') + 1)..formula.IndexOf(')')].Split(',').Select(v => double.Parse(v, System.Globalization.CultureInfo.InvariantCulture)).ToArray();
        Assert.True(dark ? rgb[0] > 150 : rgb[0] < 100, $"{formula} on the {(dark ? "dark" : "light")} theme");
    }
}

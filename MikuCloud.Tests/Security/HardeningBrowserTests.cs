using Microsoft.Playwright;
using MikuCloud.Testing;
using static Microsoft.Playwright.Assertions;

namespace MikuCloud.Tests.Security;

/// <summary>
/// What Chromium sees: the security headers on every kind of page, a strict CSP that a normal chat never trips, and —
/// with the markdown sanitiser switched OFF — script in a model answer that still does not run. Clickjacking refused.
/// </summary>
[Collection(SecurityCollection.Name)]
public class HardeningBrowserTests(SecurityFixture fixture) : SecurityBrowserTest(fixture)
{
    [Fact]
    public async Task Pages_carry_a_strict_csp_and_the_security_headers_and_account_pages_are_not_cached()
    {
        var anonymous = await NewPageAsync();
        var login = await anonymous.GotoAsync("login");
        AssertSecurityHeaders(await login!.AllHeadersAsync(), noStore: true);

        var page = await SignedInPageAsync(SecurityFixture.AdminName, SecurityFixture.AdminPassword);
        var chat = await page.GotoAsync("/");
        AssertSecurityHeaders(await chat!.AllHeadersAsync(), noStore: false);
        var account = await page.GotoAsync("account");
        AssertSecurityHeaders(await account!.AllHeadersAsync(), noStore: true);

        // The sign-in cookie: HttpOnly (no script can read it) and SameSite=Lax (no cross-site POST carries it).
        var cookie = (await page.Context.CookiesAsync()).Single(c => c.Name.EndsWith("miku.auth", StringComparison.Ordinal));
        Assert.True(cookie.HttpOnly);
        Assert.Equal(SameSiteAttribute.Lax, cookie.SameSite);
        Assert.Equal("/", cookie.Path);
        Assert.Empty(await ViolationsAsync(page));
    }

    [Fact]
    public async Task A_normal_chat_causes_no_csp_violation()
    {
        Stack.Ollama.Chat = _ => new FakeChatReply { Chunks = ["**你好**！", "这是 `代码`：\n\n```python\nprint(1)\n```\n\n", "| a | b |\n|---|---|\n| 1 | 2 |"] };
        var page = await SignedInPageAsync(SecurityFixture.AdminName, SecurityFixture.AdminPassword);

        await page.FillAsync("#chat-text", "你好");
        await page.PressAsync("#chat-text", "Enter");
        var answer = page.Locator("article.message.assistant").Last;
        await Expect(answer).ToHaveAttributeAsync("data-status", "complete", new() { Timeout = 20_000 });
        await Expect(answer.Locator("table")).ToBeVisibleAsync();
        await answer.Locator("button.copy-code").ClickAsync();
        await page.ReloadAsync();
        await page.WaitForSelectorAsync("html[data-interactive]");
        await Expect(page.Locator("article.message.assistant").Last.Locator("pre code")).ToBeVisibleAsync();

        Assert.Empty(await ViolationsAsync(page));
        Assert.DoesNotContain(ConsoleErrors, e => e.Contains("Content Security Policy", StringComparison.OrdinalIgnoreCase));
    }

    [Fact]
    public async Task Script_in_an_unsanitised_model_answer_does_not_run()
    {
        const string Payload = """
            Here you go:

            <img id="xss-img" src="x" onerror="window.__xss = 1">

            <script>window.__xss = 2</script>

            <a id="xss-link" href="javascript:window.__xss = 3">open</a> <b onmouseover="window.__xss = 4" id="xss-b">hover</b>
            """;
        Stack.Ollama.Chat = _ => new FakeChatReply { Chunks = [Payload] };
        Assert.True(Stack.Web.Services.GetService(typeof(MikuCloud.Web.Rendering.MarkdownRenderer)) is MikuCloud.Web.Rendering.MarkdownRenderer { IsUnsafe: true });
        var page = await SignedInPageAsync(SecurityFixture.AdminName, SecurityFixture.AdminPassword);

        await page.FillAsync("#chat-text", "show me some html");
        await page.PressAsync("#chat-text", "Enter");
        var answer = page.Locator("article.message.assistant").Last;
        await Expect(answer).ToHaveAttributeAsync("data-status", "complete", new() { Timeout = 20_000 });
        // The sanitiser really is off: the handler attributes reached the DOM.
        await Expect(answer.Locator("#xss-img")).ToHaveAttributeAsync("onerror", "window.__xss = 1");
        await answer.Locator("#xss-b").HoverAsync();
        await answer.Locator("#xss-link").ClickAsync();
        await page.WaitForTimeoutAsync(500);
        Assert.Null(await page.EvaluateAsync<int?>("() => window.__xss ?? null"));

        // Reloaded, the answer is part of the server-rendered HTML (where a <script> would be parsed): still nothing runs.
        await page.ReloadAsync();
        await page.WaitForSelectorAsync("html[data-interactive]");
        await Expect(page.Locator("article.message.assistant #xss-img")).ToHaveCountAsync(1);
        await page.WaitForTimeoutAsync(500);
        Assert.Null(await page.EvaluateAsync<int?>("() => window.__xss ?? null"));
        var violations = await ViolationsAsync(page);
        Assert.Contains(violations, v => v.StartsWith("script-src", StringComparison.Ordinal));
    }

    [Fact]
    public async Task A_page_on_another_site_cannot_frame_the_web()
    {
        var page = await NewPageAsync();
        var target = Stack.WebAddress + "login";
        await page.RouteAsync("http://evil.example/**", route => route.FulfillAsync(new RouteFulfillOptions
        {
            ContentType = "text/html",
            Body = $"<!doctype html><h1>Win a prize</h1><iframe id=victim src=\"{target}\" width=800 height=600></iframe>",
        }));

        await page.GotoAsync("http://evil.example/prize");
        await page.WaitForTimeoutAsync(1000);

        var framed = page.Frames.Where(f => f != page.MainFrame).ToList();
        foreach (var frame in framed)
        {
            Assert.Equal(0, await frame.Locator("#login-user").CountAsync());
        }

        // Chromium replaces a frame refused by frame-ancestors with its own error page.
        var victim = Assert.Single(framed);
        Assert.True(victim.Url.StartsWith("chrome-error:", StringComparison.Ordinal), victim.Url);
    }

    [Fact]
    public async Task Screenshots_of_the_account_pages()
    {
        var name = Unique("miku");
        await Stack.CreateUserAsync(Fixture.Admin, name, "miku-password-1");
        foreach (var scheme in new[] { ColorScheme.Light, ColorScheme.Dark })
        {
            var theme = scheme == ColorScheme.Light ? "light" : "dark";
            foreach (var (device, width, height) in new[] { ("desktop", 1280, 800), ("phone", 390, 844) })
            {
                var anonymous = await NewPageAsync(width: width, height: height, colorScheme: scheme);
                await anonymous.GotoAsync("login");
                await anonymous.FillAsync("#login-user", name);
                await anonymous.FillAsync("#login-password", "wrong-password");
                await anonymous.ClickAsync("[data-testid=sign-in]");
                await Expect(anonymous.Locator("[data-testid=auth-error]")).ToBeVisibleAsync();
                await ScreenshotAsync(anonymous, $"login-{device}-{theme}");

                var admin = await NewPageAsync(width: width, height: height, colorScheme: scheme);
                await SignInAsync(admin, SecurityFixture.AdminName, SecurityFixture.AdminPassword);
                Assert.False(await admin.EvaluateAsync<bool>("() => document.documentElement.scrollWidth > window.innerWidth + 1"),
                    $"the chat with the user menu is wider than the {device} screen");
                await admin.ClickAsync("[data-testid=user-menu]");
                await ScreenshotAsync(admin, $"usermenu-{device}-{theme}");
                await admin.GotoAsync("account");
                await admin.FillAsync("#key-name", "screenshot");
                await admin.ClickAsync("[data-testid=create-key]");
                await Expect(admin.Locator("[data-testid=new-key]")).ToBeVisibleAsync();
                await ScreenshotAsync(admin, $"account-{device}-{theme}");
                await admin.GotoAsync("admin/users");
                await ScreenshotAsync(admin, $"admin-users-{device}-{theme}");
                var overflow = await admin.EvaluateAsync<bool>("() => document.documentElement.scrollWidth > window.innerWidth + 1");
                Assert.False(overflow, $"admin page wider than the {device} screen");
            }
        }
    }

    private static void AssertSecurityHeaders(Dictionary<string, string> headers, bool noStore)
    {
        var csp = headers["content-security-policy"];
        var directives = csp.Split(';', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries)
            .ToDictionary(d => d.Split(' ')[0], d => d);
        Assert.Equal("script-src 'self'", directives["script-src"]);
        Assert.Equal("frame-ancestors 'none'", directives["frame-ancestors"]);
        Assert.Equal("object-src 'none'", directives["object-src"]);
        Assert.Equal("base-uri 'self'", directives["base-uri"]);
        Assert.Equal("form-action 'self'", directives["form-action"]);
        Assert.DoesNotContain("unsafe-eval", csp, StringComparison.Ordinal);
        Assert.Equal("DENY", headers["x-frame-options"]);
        Assert.Equal("nosniff", headers["x-content-type-options"]);
        Assert.Equal("no-referrer", headers["referrer-policy"]);
        Assert.Equal("same-origin", headers["cross-origin-opener-policy"]);
        Assert.Equal("same-origin", headers["cross-origin-resource-policy"]);
        Assert.Contains("camera=()", headers["permissions-policy"], StringComparison.Ordinal);
        Assert.Contains("microphone=()", headers["permissions-policy"], StringComparison.Ordinal);
        Assert.Contains("geolocation=()", headers["permissions-policy"], StringComparison.Ordinal);
        if (noStore)
        {
            Assert.Equal("no-store", headers["cache-control"]);
        }
    }
}

using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using static Microsoft.Playwright.Assertions;

namespace MikuCloud.Tests.Security;

/// <summary>Personal API keys: made on /account, shown once, scoped to their owner at the API, revocable.</summary>
[Collection(SecurityCollection.Name)]
public class ApiKeyBrowserTests(SecurityFixture fixture) : SecurityBrowserTest(fixture)
{
    [Fact]
    public async Task A_key_is_shown_once_lists_only_its_owners_conversations_and_stops_working_when_revoked()
    {
        var name = Unique("meiko");
        await Stack.CreateUserAsync(Fixture.Admin, name, "meiko-password-1");
        var mine = await Stack.CreateConversationAsync(await Stack.LoginAsync(name, "meiko-password-1"), "meiko's script notes");
        var admins = await Stack.CreateConversationAsync(Fixture.Admin, "admin only");

        var page = await SignedInPageAsync(name, "meiko-password-1");
        await page.GotoAsync("account");
        await Expect(page.Locator("[data-testid=no-keys]")).ToBeVisibleAsync();
        await page.FillAsync("#key-name", "laptop script");
        // Keys expire after 90 days unless the user picks otherwise.
        await Expect(page.Locator("[data-testid=key-expiry]")).ToHaveValueAsync("90");
        var due = DateTime.UtcNow.AddDays(90).ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture);
        await page.ClickAsync("[data-testid=create-key]");
        var dueAfter = DateTime.UtcNow.AddDays(90).ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture);
        var dueDate = new System.Text.RegularExpressions.Regex($"({due}|{dueAfter}) \\d\\d:\\d\\d UTC");
        await Expect(page.Locator("[data-testid=new-key-expires]")).ToContainTextAsync(dueDate);
        await Expect(page.Locator("[data-testid=keys] [data-testid=key-expires]")).ToHaveTextAsync(dueDate);

        var shown = page.Locator("[data-testid=new-key-value]");
        await Expect(shown).ToHaveTextAsync(new System.Text.RegularExpressions.Regex("^mkc_"));
        var key = (await shown.TextContentAsync())!.Trim();
        await Expect(page.Locator("[data-testid=new-key]")).ToContainTextAsync("只显示这一次");
        await Expect(page.Locator("[data-testid=keys]")).ToContainTextAsync("laptop script");

        // Shown once: a fresh load lists the key by name and prefix, never the key itself.
        await page.GotoAsync("account");
        await Expect(page.Locator("[data-testid=new-key]")).ToHaveCountAsync(0);
        Assert.DoesNotContain(key, await page.ContentAsync(), StringComparison.Ordinal);
        await Expect(page.Locator("[data-testid=keys]")).ToContainTextAsync("laptop script");
        // The page says how to connect other tools: the model ids come from the API's /v1/models.
        await Expect(page.Locator("[data-testid=connect-models] code").First).ToHaveTextAsync("miku-vl");
        await Expect(page.Locator("[data-testid=connect-models]")).ToContainTextAsync("miku-vl:precise");

        // A script with the key sees its owner's conversations only.
        using (var script = Stack.ApiClient(key))
        {
            var list = await script.GetFromJsonAsync<JsonObject>("/api/conversations", Ct);
            var ids = list!["items"]!.AsArray().Select(c => Guid.Parse(c!["id"]!.GetValue<string>())).ToList();
            Assert.Contains(mine, ids);
            Assert.DoesNotContain(admins, ids);
            using var foreign = await script.GetAsync($"/api/conversations/{admins}", Ct);
            Assert.Equal(HttpStatusCode.NotFound, foreign.StatusCode);
        }

        // A key that never expires says so, and asks to be revoked when done.
        await page.FillAsync("#key-name", "forever");
        await page.SelectOptionAsync("[data-testid=key-expiry]", "");
        await page.ClickAsync("[data-testid=create-key]");
        await Expect(page.Locator("[data-testid=new-key-expires]")).ToContainTextAsync("不会自动过期");
        await Expect(page.Locator("[data-testid=keys] tr", new() { HasText = "forever" }).Locator("[data-testid=key-expires]")).ToHaveTextAsync("永不过期");

        await page.Locator("[data-testid=keys] tr", new() { HasText = "laptop script" }).Locator("button", new() { HasText = "撤销" }).ClickAsync();
        await Expect(page.Locator("[data-testid=account-done]")).ToBeVisibleAsync();
        await Expect(page.Locator("[data-testid=keys] tr", new() { HasText = "laptop script" }).Locator(".badge")).ToHaveTextAsync("已撤销");

        using (var script = Stack.ApiClient(key))
        {
            using var refused = await script.GetAsync("/api/conversations", Ct);
            Assert.Equal(HttpStatusCode.Unauthorized, refused.StatusCode);
        }
    }

    [Fact]
    public async Task The_account_page_changes_the_password_and_keeps_this_browser_signed_in()
    {
        var name = Unique("gumi");
        await Stack.CreateUserAsync(Fixture.Admin, name, "gumi-password-1");
        var page = await SignedInPageAsync(name, "gumi-password-1");
        var other = await SignedInPageAsync(name, "gumi-password-1"); // another device

        await page.GotoAsync("account");
        await page.FillAsync("#pw-current", "gumi-password-1");
        await page.FillAsync("#pw-new", "gumi-password-2");
        await page.FillAsync("#pw-confirm", "gumi-password-2");
        await page.ClickAsync("form:has(#pw-current) button[type=submit]");
        await Expect(page.Locator("[data-testid=account-done]")).ToHaveTextAsync("密码已修改。你在其他设备上的登录已全部退出。");

        // This browser got a new cookie and goes on; the other device is signed out at its next page load.
        await page.GotoAsync("/");
        await page.WaitForURLAsync(ChatUrl());
        await page.WaitForSelectorAsync("html[data-interactive]");
        await Expect(page.Locator("[data-testid=not-found], [data-testid=api-down]")).ToHaveCountAsync(0);
        await other.ReloadAsync();
        await ExpectSignInPageAsync(other);
    }
}

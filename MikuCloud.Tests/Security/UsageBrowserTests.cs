using System.Net.Http.Json;
using System.Text;
using Microsoft.Playwright;
using MikuCloud.Tests.Api;
using static Microsoft.Playwright.Assertions;

namespace MikuCloud.Tests.Security;

/// <summary>The admin Usage page in Chromium: the admin's own answers in its table, the CSV download, and nothing for others.</summary>
[Collection(SecurityCollection.Name)]
public class UsageBrowserTests(SecurityFixture fixture) : SecurityBrowserTest(fixture)
{
    [Fact]
    public async Task An_admin_sees_the_answers_they_made_and_downloads_them_as_csv_and_a_user_is_forbidden()
    {
        using (var api = Stack.ApiClient(Stack.UserToken(Fixture.Admin)))
        {
            var conversation = await Stack.CreateConversationAsync(Fixture.Admin, "用量测试");
            for (var i = 0; i < 2; i++)
            {
                using var send = await api.PostAsJsonAsync($"/api/conversations/{conversation}/messages", new { content = $"问题 {i}" }, Ct);
                Assert.Contains(await Sse.AllAsync(send, Ct), e => e.Name == "done");
            }
        }

        var expected = await AdminRowAsync();
        Assert.True(expected.Answers >= 2, $"the admin's answers: {expected.Answers}");

        var page = await SignedInPageAsync(SecurityFixture.AdminName, SecurityFixture.AdminPassword);
        await page.ClickAsync("[data-testid=user-menu]");
        await page.ClickAsync("[data-testid=menu-usage]");
        await page.WaitForURLAsync(new System.Text.RegularExpressions.Regex("/admin/usage$"));
        await page.ClickAsync("[data-testid=usage-windows] >> text=24 小时");
        var row = page.Locator($"[data-testid=usage-table] tr[data-key='{Fixture.Admin.User.Id}']");
        await Expect(row.Locator("th")).ToHaveTextAsync(SecurityFixture.AdminName);
        await Expect(row.Locator("[data-col=answers]")).ToHaveTextAsync(expected.Answers.ToString("N0", System.Globalization.CultureInfo.InvariantCulture));
        await Expect(row.Locator("[data-col=output]")).ToHaveTextAsync(expected.OutputTokens.ToString("N0", System.Globalization.CultureInfo.InvariantCulture));
        await Expect(page.Locator("figure.trend")).ToHaveCountAsync(2);
        await Expect(page.Locator("figure.trend rect.bar").First).ToBeVisibleAsync();
        await ScreenshotAsync(page, "usage-desktop-light");

        var download = await page.RunAndWaitForDownloadAsync(() => page.ClickAsync("[data-testid=usage-csv]"));
        Assert.Equal("usage-by-user-", download.SuggestedFilename[..14]);
        var csv = Encoding.UTF8.GetString(await File.ReadAllBytesAsync((await download.PathAsync())!, Ct)).TrimStart('\uFEFF');
        var records = Batches.Rfc4180.Parse(csv);
        Assert.Equal("key", records[0][0]);
        Assert.Contains(records, r => r[0] == Fixture.Admin.User.Id && r[1] == SecurityFixture.AdminName && r[2] == expected.Answers.ToString(System.Globalization.CultureInfo.InvariantCulture));

        await page.ClickAsync("[data-testid=usage-groupings] a[data-by=door]");
        await Expect(page.Locator("[data-testid=usage-table] tr[data-key=chat]")).ToBeVisibleAsync();

        var phone = await NewPageAsync(locale: "en", width: 390, height: 844, colorScheme: ColorScheme.Dark);
        await SignInAsync(phone, SecurityFixture.AdminName, SecurityFixture.AdminPassword);
        await phone.GotoAsync("admin/usage?window=24h");
        await Expect(phone.Locator("[data-testid=usage-table] thead th").First).ToHaveTextAsync("User");
        await ScreenshotAsync(phone, "usage-phone-dark");

        var name = Unique("mei");
        await Stack.CreateUserAsync(Fixture.Admin, name, "mei-password-1");
        var user = await SignedInPageAsync(name, "mei-password-1");
        await user.ClickAsync("[data-testid=user-menu]");
        await Expect(user.Locator("[data-testid=menu-usage]")).ToHaveCountAsync(0);
        await user.GotoAsync("admin/usage");
        await Expect(user.Locator("[data-testid=forbidden]")).ToBeVisibleAsync();
        var refused = await user.APIRequest.GetAsync("admin/usage.csv?window=24h");
        Assert.NotEqual(200, refused.Status);
        Assert.DoesNotContain(Fixture.Admin.User.Id, await refused.TextAsync(), StringComparison.Ordinal);
    }

    private async Task<UsageRow> AdminRowAsync()
    {
        using var api = Stack.ApiClient(Stack.UserToken(Fixture.Admin));
        var report = await api.GetFromJsonAsync<UsageReport>("/api/admin/usage?window=24h&by=user", Ct);
        return report!.Rows.Single(r => r.Key == Fixture.Admin.User.Id);
    }
}

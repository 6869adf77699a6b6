using static Microsoft.Playwright.Assertions;

namespace MikuCloud.Tests.Security;

/// <summary>
/// "Sign in with …" against <see cref="FakeOpenIdProvider"/>: the authorization code flow with PKCE through the real
/// OpenIdConnect handler, then the API links (or creates) the MikuCloud user.
/// </summary>
[Collection(SecurityCollection.Name)]
public class OidcBrowserTests(SecurityFixture fixture) : SecurityBrowserTest(fixture)
{
    [Fact]
    public async Task The_first_provider_user_of_a_fresh_install_becomes_admin_and_an_unknown_second_one_is_refused()
    {
        var stack = await Fixture.NewStackAsync(withOidc: true);
        var provider = stack.Oidc!;

        // A fresh install shows the setup page, which offers the provider too.
        provider.NextUser = new FakeOidcUser("sub-miku-1", "miku39", "初音ミク", "miku@example.test");
        var first = await NewPageAsync(stack);
        await first.GotoAsync("/");
        await Expect(first).ToHaveURLAsync(new System.Text.RegularExpressions.Regex("/setup$"));
        await first.ClickAsync("[data-testid=sign-in-external]");
        await first.WaitForURLAsync(ChatUrl());
        await first.WaitForSelectorAsync("html[data-interactive]");
        await first.ClickAsync("[data-testid=user-menu]");
        await Expect(first.Locator("[data-testid=user-name]")).ToHaveTextAsync("初音ミク");
        await Expect(first.Locator("[data-testid=menu-admin]")).ToBeVisibleAsync();
        Assert.Equal(1, provider.TokensIssued);

        // The cookie holds the MikuCloud user, not the provider's tokens.
        var cookie = (await first.Context.CookiesAsync()).Single(c => c.Name.EndsWith("miku.auth", StringComparison.Ordinal));
        Assert.True(cookie.Value.Length < 2000, "the sign-in cookie should not carry the provider's tokens");

        // The same person again (another browser) is the same account.
        var again = await NewPageAsync(stack);
        await again.GotoAsync("login");
        await again.ClickAsync("[data-testid=sign-in-external]");
        await again.WaitForURLAsync(ChatUrl());
        await again.GotoAsync("account");
        await Expect(again.Locator("[data-testid=profile]")).ToContainTextAsync("miku39");

        // Someone else from the same provider: sign-up is off and auto-provisioning is off → refused, with a reason.
        provider.NextUser = new FakeOidcUser("sub-stranger", "stranger", "Stranger", "stranger@example.test");
        var stranger = await NewPageAsync(stack);
        await stranger.GotoAsync("login");
        await stranger.ClickAsync("[data-testid=sign-in-external]");
        await ExpectSignInPageAsync(stranger);
        await Expect(stranger.Locator("[data-testid=auth-error]")).ToHaveTextAsync("目前不开放注册。请联系管理员为你创建账号。");
        Assert.DoesNotContain((await stranger.Context.CookiesAsync()), c => c.Name.EndsWith("miku.auth", StringComparison.Ordinal));
        await stranger.GotoAsync("/");
        await ExpectSignInPageAsync(stranger);
    }

    [Fact]
    public async Task The_sign_in_button_names_the_provider_and_is_absent_without_one()
    {
        var stack = await Fixture.NewStackAsync(withOidc: true);
        await stack.SetupAsync("owner", "owner-password-1");
        var page = await NewPageAsync(stack);
        await page.GotoAsync("login");
        await Expect(page.Locator("[data-testid=sign-in-external]")).ToHaveTextAsync("使用 FakeID 登录");

        var plain = await NewPageAsync(); // the shared stack has no provider configured
        await plain.GotoAsync("login");
        await Expect(plain.Locator("[data-testid=sign-in-external]")).ToHaveCountAsync(0);
        var external = await plain.APIRequest.GetAsync("login/external", new() { MaxRedirects = 0 });
        Assert.Equal(404, external.Status);
    }
}

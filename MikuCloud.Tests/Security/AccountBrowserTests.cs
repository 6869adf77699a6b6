using static Microsoft.Playwright.Assertions;

namespace MikuCloud.Tests.Security;

/// <summary>Accounts end to end in Chromium: first admin, sign-in and out, users managed by the admin, sign-up.</summary>
[Collection(SecurityCollection.Name)]
public class AccountBrowserTests(SecurityFixture fixture) : SecurityBrowserTest(fixture)
{
    [Fact]
    public async Task A_fresh_install_sends_everyone_to_setup_and_the_first_account_is_the_admin()
    {
        var stack = await Fixture.NewStackAsync();
        var page = await NewPageAsync(stack);

        await page.GotoAsync("/");
        await Expect(page).ToHaveURLAsync(new System.Text.RegularExpressions.Regex("/setup$"));
        await ScreenshotAsync(page, "setup-desktop-light");
        await page.FillAsync("#new-user", "miku");
        await page.FillAsync("#new-display", "初音未来");
        await page.FillAsync("#new-password", "first-admin-pw");
        await page.FillAsync("#new-confirm", "first-admin-pw");
        await page.ClickAsync("[data-testid=create-admin]");

        await page.WaitForURLAsync(ChatUrl());
        await page.WaitForSelectorAsync("html[data-interactive]");
        await Expect(page.Locator("#chat-text")).ToBeVisibleAsync();
        await page.ClickAsync("[data-testid=user-menu]");
        await Expect(page.Locator("[data-testid=user-name]")).ToHaveTextAsync("初音未来");
        await Expect(page.Locator("[data-testid=menu-admin]")).ToBeVisibleAsync(); // the first account is the admin

        // Setup is over: the signed-in admin is sent to the chat, anyone else to the sign-in page.
        await page.GotoAsync("setup");
        await page.WaitForURLAsync(ChatUrl());
        var stranger = await NewPageAsync(stack);
        await stranger.GotoAsync("setup");
        await ExpectSignInPageAsync(stranger);
        await stranger.GotoAsync("/");
        await ExpectSignInPageAsync(stranger);
    }

    [Fact]
    public async Task A_wrong_password_is_explained_and_keeps_the_user_name_the_right_one_signs_in_and_sign_out_works()
    {
        var name = Unique("sam");
        await Stack.CreateUserAsync(Fixture.Admin, name, "right-password-1");
        var page = await NewPageAsync();

        await page.GotoAsync("/");
        await ExpectSignInPageAsync(page); // signed out: every page goes to the sign-in page
        await page.FillAsync("#login-user", name);
        await page.FillAsync("#login-password", "wrong-password");
        await page.ClickAsync("[data-testid=sign-in]");
        await Expect(page.Locator("[data-testid=auth-error]")).ToHaveTextAsync("用户名或密码不正确。");
        await Expect(page.Locator("#login-user")).ToHaveValueAsync(name);
        await Expect(page.Locator("#login-password")).ToHaveValueAsync("");

        await page.FillAsync("#login-password", "right-password-1");
        await page.ClickAsync("[data-testid=sign-in]");
        await page.WaitForURLAsync(ChatUrl());
        await page.WaitForSelectorAsync("html[data-interactive]");
        await page.ClickAsync("[data-testid=user-menu]");
        await Expect(page.Locator("[data-testid=menu-admin]")).ToHaveCountAsync(0); // not an admin

        await page.ClickAsync("[data-testid=sign-out]");
        await ExpectSignInPageAsync(page);
        await Expect(page.Locator("[data-testid=auth-info]")).ToHaveTextAsync("你已退出登录。");
        await page.GotoAsync("/");
        await ExpectSignInPageAsync(page);
    }

    [Fact]
    public async Task Users_see_only_their_own_conversations_a_disabled_user_is_sent_to_sign_in_and_a_reset_password_works()
    {
        var name = Unique("kaito");
        var adminTitle = "管理员的秘密 " + name;
        var adminConversation = await Stack.CreateConversationAsync(Fixture.Admin, adminTitle);

        // The admin adds the user on /admin/users.
        var admin = await SignedInPageAsync(SecurityFixture.AdminName, SecurityFixture.AdminPassword);
        await admin.GotoAsync("admin/users");
        await admin.FillAsync("#add-user", name);
        await admin.FillAsync("#add-password", "kaito-password-1");
        await admin.ClickAsync("[data-testid=add-user]");
        await Expect(admin.Locator("[data-testid=admin-done]")).ToContainTextAsync(name);
        var row = admin.Locator($"tr[data-user='{name}']");
        await Expect(row).ToBeVisibleAsync();

        // The user, in another browser, does not see the admin's conversation, not even by its address.
        var user = await SignedInPageAsync(name, "kaito-password-1");
        await Expect(user.Locator("nav.sidebar")).Not.ToContainTextAsync(adminTitle);
        await user.GotoAsync($"c/{adminConversation}");
        await user.WaitForSelectorAsync("html[data-interactive]");
        await Expect(user.Locator("[data-testid=not-found]")).ToBeVisibleAsync();

        // Disabled: the user's next page load lands on the sign-in page, and signing in is refused.
        await row.Locator("[data-action=disable]").ClickAsync();
        await Expect(admin.Locator($"tr[data-user='{name}'] [data-testid=user-status]")).ToHaveTextAsync("已停用");
        await user.GotoAsync("/");
        await ExpectSignInPageAsync(user);
        await Expect(user.Locator("[data-testid=auth-info]")).ToBeVisibleAsync();
        await user.FillAsync("#login-user", name);
        await user.FillAsync("#login-password", "kaito-password-1");
        await user.ClickAsync("[data-testid=sign-in]");
        await Expect(user.Locator("[data-testid=auth-error]")).ToHaveTextAsync("这个账号已被停用。请联系管理员。");

        // Enabled again with a new password: the old one no longer works, the new one does.
        await admin.Locator($"tr[data-user='{name}'] [data-action=enable]").ClickAsync();
        await admin.Locator($"tr[data-user='{name}'] [data-action=reset]").ClickAsync();
        await admin.FillAsync("#reset-password", "kaito-password-2");
        await admin.ClickAsync("[data-testid=reset-submit]");
        await Expect(admin.Locator("[data-testid=admin-done]")).ToContainTextAsync(name);
        await user.FillAsync("#login-password", "kaito-password-1");
        await user.ClickAsync("[data-testid=sign-in]");
        await Expect(user.Locator("[data-testid=auth-error]")).ToHaveTextAsync("用户名或密码不正确。");
        await SignInAsync(user, name, "kaito-password-2");
    }

    [Fact]
    public async Task A_password_reset_ends_the_users_open_session()
    {
        var name = Unique("rin");
        await Stack.CreateUserAsync(Fixture.Admin, name, "rin-password-1");
        var user = await SignedInPageAsync(name, "rin-password-1");

        var admin = await SignedInPageAsync(SecurityFixture.AdminName, SecurityFixture.AdminPassword);
        await admin.GotoAsync("admin/users");
        await admin.Locator($"tr[data-user='{name}'] [data-action=reset]").ClickAsync();
        await admin.FillAsync("#reset-password", "rin-password-2");
        await admin.ClickAsync("[data-testid=reset-submit]");
        await Expect(admin.Locator("[data-testid=admin-done]")).ToContainTextAsync(name);

        await user.ReloadAsync();
        await ExpectSignInPageAsync(user);
        await Expect(user.Locator("[data-testid=auth-info]")).ToHaveTextAsync("你的登录已失效（密码已更改或账号已停用），请重新登录。");
    }

    [Fact]
    public async Task Sign_up_is_refused_until_the_admin_allows_it()
    {
        var name = Unique("len");
        var visitor = await NewPageAsync();
        await visitor.GotoAsync("signup");
        await Expect(visitor.Locator("[data-testid=auth-error]")).ToHaveTextAsync("目前不开放注册。请联系管理员为你创建账号。");
        await Expect(visitor.Locator("#new-user")).ToHaveCountAsync(0);
        await visitor.GotoAsync("login");
        await Expect(visitor.Locator("a[href='signup']")).ToHaveCountAsync(0);

        var admin = await SignedInPageAsync(SecurityFixture.AdminName, SecurityFixture.AdminPassword);
        await admin.GotoAsync("admin/users");
        try
        {
            await admin.ClickAsync("[data-testid=toggle-signup]");
            await Expect(admin.Locator("[data-testid=signup-state]")).ToHaveTextAsync("任何人都可以注册账号。");

            await visitor.GotoAsync("login");
            await visitor.ClickAsync("a[href='signup']");
            await visitor.FillAsync("#new-user", name);
            await visitor.FillAsync("#new-password", "len-password-1");
            await visitor.FillAsync("#new-confirm", "len-password-1");
            await visitor.ClickAsync("[data-testid=sign-up]");
            await visitor.WaitForURLAsync(ChatUrl());
            await visitor.WaitForSelectorAsync("html[data-interactive]");
            await Expect(visitor.Locator("#chat-text")).ToBeVisibleAsync();
        }
        finally
        {
            await Stack.SetSignUpAllowedAsync(Fixture.Admin, false); // the other tests expect sign-up closed
        }
    }

    [Fact]
    public async Task An_admin_turns_image_url_fetching_on_without_opening_sign_up()
    {
        var admin = await SignedInPageAsync(SecurityFixture.AdminName, SecurityFixture.AdminPassword);
        await admin.GotoAsync("admin/users");
        await Expect(admin.Locator("[data-testid=image-urls-state]")).ToHaveTextAsync("OpenAI 兼容接口不下载网址中的图片，只接受 data URL。");
        try
        {
            await admin.ClickAsync("[data-testid=toggle-image-urls]");
            await Expect(admin.Locator("[data-testid=image-urls-state]")).ToContainTextAsync("会下载消息里 http(s) 网址指向的图片");

            var settings = await Stack.SettingsAsync(Fixture.Admin);
            Assert.True(settings.ImageUrlFetching);
            Assert.False(settings.SignUpAllowed);
            await Expect(admin.Locator("[data-testid=signup-state]")).ToHaveTextAsync("只有管理员可以添加用户。");
        }
        finally
        {
            await Stack.SetImageUrlFetchingAsync(Fixture.Admin, false); // the other tests expect the default
        }
    }

    [Fact]
    public async Task A_plain_user_cannot_open_the_admin_page()
    {
        var name = Unique("luka");
        await Stack.CreateUserAsync(Fixture.Admin, name, "luka-password-1");
        var page = await SignedInPageAsync(name, "luka-password-1");

        var response = await page.GotoAsync("admin/users");

        Assert.Equal(403, response!.Status);
        await Expect(page.Locator("[data-testid=forbidden]")).ToBeVisibleAsync();
        await Expect(page.Locator("[data-testid=users]")).ToHaveCountAsync(0);
    }
}

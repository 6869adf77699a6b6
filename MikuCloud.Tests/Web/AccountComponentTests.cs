using Bunit;
using MikuCloud.Web.Components.Account;

namespace MikuCloud.Tests.Web;

/// <summary>The account components: user menu, API key list and the one-time key, the admin's user table.</summary>
public class AccountComponentTests : WebComponentTest
{
    [Fact]
    public void The_user_menu_shows_who_is_signed_in_and_offers_account_and_a_protected_sign_out()
    {
        SignIn(displayName: "初音未来");
        var cut = Render<UserMenu>();

        var button = cut.Find("[data-testid=user-menu]");
        Assert.Equal("初", button.TextContent);
        Assert.Equal("账号菜单: 初音未来", button.GetAttribute("aria-label"));
        button.Click();

        Assert.Equal("初音未来", cut.Find("[data-testid=user-name]").TextContent);
        Assert.Equal("account", cut.Find("[data-testid=menu-account]").GetAttribute("href"));
        Assert.Empty(cut.FindAll("[data-testid=menu-admin]")); // not an admin
        var form = cut.Find("form:has([data-testid=sign-out])");
        Assert.Equal("post", form.GetAttribute("method"));
        Assert.Equal("logout", form.GetAttribute("action"));
        Assert.Single(cut.FindComponents<Microsoft.AspNetCore.Components.Forms.AntiforgeryToken>()); // the token field (rendered by the app)
    }

    [Fact]
    public void Admins_get_the_users_link()
    {
        SignIn(role: Roles.Admin);
        var cut = Render<UserMenu>();
        cut.Find("[data-testid=user-menu]").Click();

        Assert.Equal("admin/users", cut.Find("[data-testid=menu-admin]").GetAttribute("href"));
        Assert.Equal("管理员", cut.Find(".who .badge").TextContent);
    }

    [Fact]
    public void Nobody_signed_in_no_menu()
    {
        var cut = Render<UserMenu>();

        Assert.Empty(cut.FindAll("[data-testid=user-menu]"));
    }

    [Fact]
    public void Keys_are_listed_by_name_prefix_and_expiry_and_only_active_ones_can_be_revoked()
    {
        UseEnglish();
        var active = new ApiKeyDto(Guid.NewGuid(), "laptop", "mkc_ab12", DateTime.UtcNow, null, null, null);
        var used = new ApiKeyDto(Guid.NewGuid(), "ci", "mkc_cd34", DateTime.UtcNow, new DateTime(2026, 11, 1, 8, 30, 0, DateTimeKind.Utc), null,
            new DateTime(2099, 2, 3, 4, 5, 0, DateTimeKind.Utc));
        var revoked = new ApiKeyDto(Guid.NewGuid(), "old", "mkc_ef56", DateTime.UtcNow, null, DateTime.UtcNow, null);
        var expired = new ApiKeyDto(Guid.NewGuid(), "spring", "mkc_gh78", DateTime.UtcNow.AddDays(-40), null, null, DateTime.UtcNow.AddDays(-10));

        var cut = Render<ApiKeyList>(p => p.Add(x => x.Keys, [active, used, revoked, expired]));

        var rows = cut.FindAll("tbody tr");
        Assert.Equal(4, rows.Count);
        Assert.Contains("mkc_ab12…", rows[0].TextContent, StringComparison.Ordinal);
        Assert.Contains("Never", rows[0].TextContent, StringComparison.Ordinal);
        Assert.Equal("Never expires", rows[0].QuerySelector("[data-testid=key-expires]")!.TextContent);
        Assert.Contains("2026-11-01 08:30 UTC", rows[1].TextContent, StringComparison.Ordinal);
        Assert.Equal("2099-02-03 04:05 UTC", rows[1].QuerySelector("[data-testid=key-expires]")!.TextContent);
        var revoke = rows[0].QuerySelector("button[type=submit]")!;
        Assert.Equal("Revoke.Id", revoke.GetAttribute("name"));
        Assert.Equal(active.Id.ToString(), revoke.GetAttribute("value"));
        Assert.Equal("Revoke key laptop", revoke.GetAttribute("aria-label"));
        Assert.NotNull(rows[1].QuerySelector("button[type=submit]"));
        Assert.Null(rows[2].QuerySelector("button"));
        Assert.Equal("Revoked", rows[2].QuerySelector(".badge")!.TextContent);
        Assert.Null(rows[3].QuerySelector("button"));
        Assert.Equal("Expired", rows[3].QuerySelector(".badge")!.TextContent);
    }

    [Fact]
    public void No_keys_says_so()
    {
        var cut = Render<ApiKeyList>(p => p.Add(x => x.Keys, []));

        Assert.Equal("还没有 API 密钥。", cut.Find("[data-testid=no-keys]").TextContent);
    }

    [Fact]
    public void A_new_key_is_shown_with_a_copy_button_and_a_once_only_warning()
    {
        var key = new CreatedApiKey(Guid.NewGuid(), "script", "mkc_ab12", DateTime.UtcNow, null, null,
            new DateTime(2027, 2, 23, 9, 0, 0, DateTimeKind.Utc), "mkc_ab12_secretsecretsecret");

        var cut = Render<NewApiKeyNotice>(p => p.Add(x => x.Key, key));

        Assert.Equal("mkc_ab12_secretsecretsecret", cut.Find("#new-key-value").TextContent);
        Assert.Equal("new-key-value", cut.Find("button[data-copy-target]").GetAttribute("data-copy-target"));
        Assert.Contains("只显示这一次", cut.Markup, StringComparison.Ordinal);
        Assert.Equal("有效期至 2027-02-23 09:00 UTC。", cut.Find("[data-testid=new-key-expires]").TextContent);
    }

    [Fact]
    public void A_new_key_without_expiry_says_to_revoke_it_when_done()
    {
        UseEnglish();
        var key = new CreatedApiKey(Guid.NewGuid(), "script", "mkc_ab12", DateTime.UtcNow, null, null, null, "mkc_ab12_secretsecretsecret");

        var cut = Render<NewApiKeyNotice>(p => p.Add(x => x.Key, key));

        Assert.Equal("It does not expire; revoke it when you no longer need it.", cut.Find("[data-testid=new-key-expires]").TextContent);
    }

    [Fact]
    public void The_user_table_offers_each_action_once_and_none_that_would_lock_the_admin_out()
    {
        UseEnglish();
        var me = new UserDto("a1", "admin", "admin", Roles.Admin, false, DateTime.UtcNow, DateTime.UtcNow, true, false);
        var kaito = new UserDto("u2", "kaito", "KAITO", Roles.User, false, DateTime.UtcNow, null, true, false);
        var gone = new UserDto("u3", "meiko", "meiko", Roles.Admin, true, DateTime.UtcNow, null, false, true);

        var cut = Render<UserTable>(p => p.Add(x => x.Users, [me, kaito, gone]).Add(x => x.CurrentUserId, "a1"));

        var self = cut.Find("tr[data-user=admin]");
        Assert.Contains("(you)", self.TextContent, StringComparison.Ordinal);
        Assert.Null(self.QuerySelector("[data-action=disable]"));
        Assert.Null(self.QuerySelector("[data-action=make-user]"));

        var user = cut.Find("tr[data-user=kaito]");
        Assert.Contains("KAITO", user.TextContent, StringComparison.Ordinal);
        Assert.Equal("disable:u2", user.QuerySelector("[data-action=disable]")!.GetAttribute("value"));
        Assert.Equal("make-admin:u2", user.QuerySelector("[data-action=make-admin]")!.GetAttribute("value"));
        Assert.Equal("admin/users?reset=u2", user.QuerySelector("[data-action=reset]")!.GetAttribute("href"));

        var disabled = cut.Find("tr[data-user=meiko]");
        Assert.Equal("Disabled", disabled.QuerySelector("[data-testid=user-status]")!.TextContent);
        Assert.Equal("enable:u3", disabled.QuerySelector("[data-action=enable]")!.GetAttribute("value"));
        Assert.Equal("make-user:u3", disabled.QuerySelector("[data-action=make-user]")!.GetAttribute("value"));
        Assert.Null(disabled.QuerySelector("[data-action=reset]")); // signs in with a provider: no password to reset
    }
}

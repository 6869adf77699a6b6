using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Microsoft.EntityFrameworkCore;
using MikuCloud.Api.Accounts;

namespace MikuCloud.Tests.Security;

/// <summary>The account lifecycle at the API, as the Web drives it: first admin, sign-in, sign-up, admin changes, sessions.</summary>
public class AccountsTests : AccountsApiTest
{
    [Fact]
    public async Task Fresh_install_needs_setup_once_and_the_first_account_is_the_admin()
    {
        using var service = Service();
        var status = await service.GetFromJsonAsync<AuthStatusDto>("/api/auth/status", Ct);
        Assert.Equal(new AuthStatusDto("accounts", SetupRequired: true, SignUpAllowed: false), status);

        var admin = await SetupAdminAsync();
        Assert.Equal("admin", admin.User.Role);
        Assert.True(admin.User.HasPassword);
        Assert.False((await service.GetFromJsonAsync<AuthStatusDto>("/api/auth/status", Ct))!.SetupRequired);

        // A second setup (someone else racing to the fresh install) is refused and creates nobody.
        using var again = await service.PostAsJsonAsync("/api/auth/setup", new { userName = "mallory", password = Password }, Ct);
        Assert.Equal(HttpStatusCode.Conflict, again.StatusCode);
        Assert.Equal(ProblemCodes.SetupDone, await CodeOf(again));
        Assert.Equal(1, await api.WithDbAsync(db => db.Users.CountAsync(Ct)));

        // The password is stored as a PBKDF2 hash, never as text.
        var hash = await api.WithDbAsync(db => db.Users.Select(u => u.PasswordHash).SingleAsync(Ct));
        Assert.DoesNotContain(Password, hash, StringComparison.Ordinal);
        Assert.StartsWith("AQAAAA", hash, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Sign_in_checks_the_password_throttles_guessing_and_user_names_are_case_insensitive()
    {
        await SetupAdminAsync("Miku");
        using var service = Service();
        using (var wrong = await service.PostAsJsonAsync("/api/auth/login", new { userName = "miku", password = "wrong password" }, Ct))
        {
            Assert.Equal(HttpStatusCode.Unauthorized, wrong.StatusCode);
            Assert.Equal(ProblemCodes.InvalidCredentials, await CodeOf(wrong));
        }

        using (var unknown = await service.PostAsJsonAsync("/api/auth/login", new { userName = "nobody", password = Password }, Ct))
        {
            // Same answer for an unknown name: no user enumeration.
            Assert.Equal(HttpStatusCode.Unauthorized, unknown.StatusCode);
            Assert.Equal(ProblemCodes.InvalidCredentials, await CodeOf(unknown));
        }

        var signedIn = await SignInAsync("MIKU");
        Assert.Equal("Miku", signedIn.User.UserName);

        for (var i = 0; i < 5; i++)
        {
            using var guess = await service.PostAsJsonAsync("/api/auth/login", new { userName = "miku", password = $"guess-{i}-xx" }, Ct);
            Assert.Equal(HttpStatusCode.Unauthorized, guess.StatusCode);
        }

        // Locked for a while, even with the right password, and the answer says how long.
        using var throttled = await service.PostAsJsonAsync("/api/auth/login", new { userName = "miku", password = Password }, Ct);
        Assert.Equal(HttpStatusCode.TooManyRequests, throttled.StatusCode);
        Assert.Equal(ProblemCodes.LoginThrottled, await CodeOf(throttled));
        Assert.InRange(throttled.Headers.RetryAfter!.Delta!.Value.TotalSeconds, 1, 300);
    }

    [Fact]
    public async Task Sign_up_is_closed_until_an_admin_opens_it()
    {
        var admin = await SetupAdminAsync();
        using var service = Service();
        using (var closed = await service.PostAsJsonAsync("/api/auth/signup", new { userName = "rin", password = Password }, Ct))
        {
            Assert.Equal(HttpStatusCode.Forbidden, closed.StatusCode);
            Assert.Equal(ProblemCodes.SignupDisabled, await CodeOf(closed));
        }

        using var adminClient = As(admin);
        using (var open = await adminClient.PutAsJsonAsync("/api/admin/settings", new { signUpAllowed = true }, Ct))
        {
            open.EnsureSuccessStatusCode();
        }

        Assert.True((await service.GetFromJsonAsync<AuthStatusDto>("/api/auth/status", Ct))!.SignUpAllowed);
        using var signup = await service.PostAsJsonAsync("/api/auth/signup", new { userName = "rin", password = Password }, Ct);
        Assert.Equal(HttpStatusCode.OK, signup.StatusCode);
        var rin = (await signup.Content.ReadFromJsonAsync<SignedInUser>(Ct))!;
        Assert.Equal("user", rin.User.Role);

        using var taken = await service.PostAsJsonAsync("/api/auth/signup", new { userName = "RIN", password = Password }, Ct);
        Assert.Equal(HttpStatusCode.Conflict, taken.StatusCode);
        Assert.Equal(ProblemCodes.UserNameTaken, await CodeOf(taken));

        using var bad = await service.PostAsJsonAsync("/api/auth/signup", new { userName = "<script>", password = "short" }, Ct);
        Assert.Equal(HttpStatusCode.BadRequest, bad.StatusCode);
        var errors = (await bad.Content.ReadFromJsonAsync<JsonObject>(Ct))!["errors"]!.AsObject();
        Assert.True(errors.ContainsKey("userName") && errors.ContainsKey("password"));
    }

    [Fact]
    public async Task Disabling_a_user_or_resetting_their_password_ends_their_sessions_at_once()
    {
        var admin = await SetupAdminAsync();
        var rin = await AddUserAsync(admin, "rin");
        using var rinClient = As(rin);
        Assert.Equal(HttpStatusCode.OK, (await rinClient.GetAsync("/api/conversations", Ct)).StatusCode);

        using var adminClient = As(admin);
        using (var reset = await adminClient.PostAsJsonAsync($"/api/admin/users/{rin.User.Id}/password", new { newPassword = "a whole new secret" }, Ct))
        {
            Assert.Equal(HttpStatusCode.NoContent, reset.StatusCode);
        }

        using (var stale = await rinClient.GetAsync("/api/conversations", Ct))
        {
            Assert.Equal(HttpStatusCode.Unauthorized, stale.StatusCode);
            Assert.Equal(ProblemCodes.SessionExpired, await CodeOf(stale));
        }

        var again = await SignInAsync("rin", "a whole new secret");
        using var againClient = As(again);
        Assert.Equal(HttpStatusCode.OK, (await againClient.GetAsync("/api/conversations", Ct)).StatusCode);

        using (var disable = await adminClient.PatchAsJsonAsync($"/api/admin/users/{rin.User.Id}", new { disabled = true }, Ct))
        {
            Assert.True((await disable.Content.ReadFromJsonAsync<UserDto>(Ct))!.Disabled);
        }

        Assert.Equal(HttpStatusCode.Unauthorized, (await againClient.GetAsync("/api/conversations", Ct)).StatusCode);
        using var service = Service();
        using var login = await service.PostAsJsonAsync("/api/auth/login", new { userName = "rin", password = "a whole new secret" }, Ct);
        Assert.Equal(HttpStatusCode.Forbidden, login.StatusCode);
        Assert.Equal(ProblemCodes.AccountDisabled, await CodeOf(login));
    }

    [Fact]
    public async Task Admins_cannot_lock_themselves_out_and_users_cannot_administer()
    {
        var admin = await SetupAdminAsync();
        var rin = await AddUserAsync(admin, "rin");
        using var adminClient = As(admin);
        using (var self = await adminClient.PatchAsJsonAsync($"/api/admin/users/{admin.User.Id}", new { disabled = true }, Ct))
        {
            Assert.Equal(ProblemCodes.CannotDisableSelf, await CodeOf(self));
        }

        using (var demote = await adminClient.PatchAsJsonAsync($"/api/admin/users/{admin.User.Id}", new { role = "user" }, Ct))
        {
            Assert.Equal(ProblemCodes.LastAdmin, await CodeOf(demote));
        }

        using var rinClient = As(rin);
        foreach (var (method, path) in new[] { ("GET", "/api/admin/users"), ("PUT", "/api/admin/settings"), ("PATCH", $"/api/admin/users/{admin.User.Id}") })
        {
            using var request = new HttpRequestMessage(new HttpMethod(method), path) { Content = JsonContent.Create(new { signUpAllowed = true, disabled = true }) };
            using var response = await rinClient.SendAsync(request, Ct);
            Assert.Equal(HttpStatusCode.Forbidden, response.StatusCode);
            Assert.Equal(ProblemCodes.Forbidden, await CodeOf(response));
        }

        Assert.False(await api.WithDbAsync(db => db.Users.Where(u => u.Id == admin.User.Id).Select(u => u.Disabled).SingleAsync(Ct)));
    }

    [Fact]
    public async Task Changing_your_password_needs_the_current_one_and_ends_other_sessions()
    {
        var admin = await SetupAdminAsync();
        using var client = As(admin);
        using (var wrong = await client.PostAsJsonAsync("/api/me/password", new { currentPassword = "nope nope", newPassword = "brand new secret" }, Ct))
        {
            Assert.Equal(HttpStatusCode.BadRequest, wrong.StatusCode);
        }

        using var changed = await client.PostAsJsonAsync("/api/me/password", new { currentPassword = Password, newPassword = "brand new secret" }, Ct);
        var stamp = (await changed.Content.ReadFromJsonAsync<StampDto>(Ct))!.Stamp;
        Assert.NotEqual(admin.Stamp, stamp);
        // The old session (old stamp) is over; the Web re-issues its cookie with the new stamp.
        Assert.Equal(HttpStatusCode.Unauthorized, (await client.GetAsync("/api/me", Ct)).StatusCode);
        using var renewed = As(admin.User.Id, () => stamp);
        Assert.Equal("miku", (await renewed.GetFromJsonAsync<UserDto>("/api/me", Ct))!.UserName);
    }

    [Fact]
    public async Task Forged_expired_long_lived_and_misaddressed_tokens_are_refused()
    {
        var admin = await SetupAdminAsync();
        var otherKey = System.Security.Cryptography.RandomNumberGenerator.GetBytes(32);
        var tokens = new Dictionary<string, string>
        {
            ["wrong key"] = WebTokens.User(otherKey, admin.User.Id, admin.Stamp),
            ["alg none"] = WebTokens.Unsigned(admin.User.Id, admin.Stamp),
            ["expired"] = WebTokens.User(api.TokenKey, admin.User.Id, admin.Stamp, TimeSpan.FromMinutes(2), notBefore: DateTime.UtcNow.AddMinutes(-10)),
            ["a day long"] = WebTokens.User(api.TokenKey, admin.User.Id, admin.Stamp, TimeSpan.FromDays(1)),
            ["other audience"] = WebTokens.User(api.TokenKey, admin.User.Id, admin.Stamp, audience: "someone-else"),
            ["other issuer"] = WebTokens.User(api.TokenKey, admin.User.Id, admin.Stamp, issuer: "evil"),
            ["no stamp"] = WebTokens.Create(api.TokenKey, new() { ["sub"] = admin.User.Id }, TimeSpan.FromMinutes(2), ApiTokens.Issuer, ApiTokens.Audience, null),
            ["garbage"] = "not.a.token",
        };
        foreach (var (name, token) in tokens)
        {
            using var client = ClientWith(() => token);
            using var response = await client.GetAsync("/api/conversations", Ct);
            Assert.True(response.StatusCode == HttpStatusCode.Unauthorized, $"{name}: {(int)response.StatusCode}");
            Assert.Equal("Bearer", response.Headers.WwwAuthenticate.Single().Scheme);
        }

        // The Web's service token opens the sign-in endpoints only, never anyone's data; user tokens cannot sign others in.
        using var service = Service();
        Assert.Equal(HttpStatusCode.Forbidden, (await service.GetAsync("/api/conversations", Ct)).StatusCode);
        using var user = As(admin);
        Assert.Equal(HttpStatusCode.Forbidden, (await user.PostAsJsonAsync("/api/auth/login", new { userName = "miku", password = Password }, Ct)).StatusCode);
    }

    [Fact]
    public async Task OpenID_Connect_identities_map_to_one_account_and_new_people_need_open_sign_up()
    {
        using var service = Service();
        async Task<HttpResponseMessage> External(string subject, string? name = null) =>
            await service.PostAsJsonAsync("/api/auth/external", new { issuer = "https://idp.example", subject, userName = name, email = $"{subject}@example.com" }, Ct);

        // The first person on a fresh install becomes the admin, as with /setup.
        var first = (await (await External("sub-1", "miku")).Content.ReadFromJsonAsync<SignedInUser>(Ct))!;
        Assert.Equal(("miku", "admin", true, false), (first.User.UserName, first.User.Role, first.User.External, first.User.HasPassword));
        Assert.False((await service.GetFromJsonAsync<AuthStatusDto>("/api/auth/status", Ct))!.SetupRequired);

        // The same identity is the same account; a local account named "miku" elsewhere does not capture it.
        var again = (await (await External("sub-1", "someone-else")).Content.ReadFromJsonAsync<SignedInUser>(Ct))!;
        Assert.Equal(first.User.Id, again.User.Id);

        using (var stranger = await External("sub-2", "rin"))
        {
            Assert.Equal(HttpStatusCode.Forbidden, stranger.StatusCode);
            Assert.Equal(ProblemCodes.SignupDisabled, await CodeOf(stranger));
        }

        using var admin = As(first);
        (await admin.PutAsJsonAsync("/api/admin/settings", new { signUpAllowed = true }, Ct)).EnsureSuccessStatusCode();
        var rin = (await (await External("sub-2", "miku")).Content.ReadFromJsonAsync<SignedInUser>(Ct))!;
        Assert.Equal(("miku-2", "user"), (rin.User.UserName, rin.User.Role)); // the name was taken: a free one is chosen

        (await admin.PatchAsJsonAsync($"/api/admin/users/{rin.User.Id}", new { disabled = true }, Ct)).EnsureSuccessStatusCode();
        using var disabled = await External("sub-2");
        Assert.Equal(ProblemCodes.AccountDisabled, await CodeOf(disabled));

        // An OIDC-only account has no password to guess.
        using var login = await service.PostAsJsonAsync("/api/auth/login", new { userName = "miku", password = "" }, Ct);
        Assert.Equal(HttpStatusCode.Unauthorized, login.StatusCode);
    }

    [Fact]
    public async Task Single_user_conversations_become_the_first_admins()
    {
        SkipUnlessDatabase();
        // Conversations a laptop install made before switching to accounts (owner "local").
        await api.WithDbAsync(async db =>
        {
            db.Conversations.Add(new MikuCloud.Api.Data.Conversation { Id = Guid.NewGuid(), OwnerId = "local", Title = "from the laptop", CreatedAt = DateTime.UtcNow, UpdatedAt = DateTime.UtcNow });
            return await db.SaveChangesAsync(Ct);
        });
        var admin = await SetupAdminAsync();
        using var client = As(admin);
        var page = await client.GetFromJsonAsync<JsonObject>("/api/conversations", Ct);
        Assert.Equal("from the laptop", page!["items"]![0]!["title"]!.GetValue<string>());
    }
}

/// <summary>The same on PostgreSQL.</summary>
public sealed class PostgresAccountsTests : AccountsTests
{
    protected override bool OnPostgres => true;
}

/// <summary>With <c>Auth:Oidc:AutoProvision</c> the provider decides who may sign in.</summary>
public sealed class AutoProvisionTests : AccountsApiTest
{
    protected override void Configure(Dictionary<string, string?> settings)
    {
        base.Configure(settings);
        settings["Auth:Oidc:AutoProvision"] = "true";
    }

    [Fact]
    public async Task New_oidc_people_get_an_account_while_local_sign_up_stays_closed()
    {
        await SetupAdminAsync();
        using var service = Service();
        using var external = await service.PostAsJsonAsync("/api/auth/external", new { issuer = "https://idp.example", subject = "x", userName = "len" }, Ct);
        Assert.Equal(HttpStatusCode.OK, external.StatusCode);
        using var local = await service.PostAsJsonAsync("/api/auth/signup", new { userName = "luka", password = Password }, Ct);
        Assert.Equal(HttpStatusCode.Forbidden, local.StatusCode);
    }
}

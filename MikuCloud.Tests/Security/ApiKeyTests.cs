using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Microsoft.EntityFrameworkCore;
using MikuCloud.Tests.Api;

namespace MikuCloud.Tests.Security;

/// <summary>Personal API keys: shown once, stored hashed, scoped to their owner, revocable, useless once the owner is disabled.</summary>
public class ApiKeyTests : AccountsApiTest
{
    [Fact]
    public async Task A_key_works_for_its_owners_data_only_and_stops_when_revoked()
    {
        var admin = await SetupAdminAsync();
        var rin = await AddUserAsync(admin, "rin");
        using var session = As(admin);
        var mine = await CreateConversationAsync(session, "mine");
        using (var rinClient = As(rin))
        {
            await CreateConversationAsync(rinClient, "rin's");
        }

        using var created = await session.PostAsJsonAsync("/api/keys", new { name = "backup script" }, Ct);
        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        var key = (await created.Content.ReadFromJsonAsync<CreatedApiKey>(Ct))!;
        Assert.StartsWith("mkc_", key.Key, StringComparison.Ordinal);
        Assert.StartsWith(key.Prefix, key.Key, StringComparison.Ordinal);
        Assert.True(key.Key.Length >= 40);

        // Only a hash is stored, and the list never shows the key again.
        var stored = await api.WithDbAsync(db => db.ApiKeys.AsNoTracking().SingleAsync(Ct));
        Assert.NotEqual(key.Key, stored.Hash);
        Assert.DoesNotContain(key.Key[4..], stored.Hash, StringComparison.Ordinal);
        var listed = await session.GetStringAsync("/api/keys", Ct);
        Assert.Contains("backup script", listed, StringComparison.Ordinal);
        Assert.DoesNotContain(key.Key, listed, StringComparison.Ordinal);

        using (var script = WithApiKey(key.Key))
        {
            var page = await script.GetFromJsonAsync<JsonObject>("/api/conversations", Ct);
            Assert.Equal([mine], page!["items"]!.AsArray().Select(c => c!["id"]!.GetValue<string>()));
            // A script can chat with its key.
            using var send = await script.SendAsync(Guid.Parse(mine), new { content = "hello from cron" }, Ct);
            Assert.Contains(await Sse.AllAsync(send, Ct), e => e.Name == "done");
            // …but cannot mint more keys or change the password: those need a signed-in session.
            using var mint = await script.PostAsJsonAsync("/api/keys", new { name = "another" }, Ct);
            Assert.Equal(HttpStatusCode.Forbidden, mint.StatusCode);
            using var password = await script.PostAsJsonAsync("/api/me/password", new { currentPassword = Password, newPassword = "x-x-x-x-x-x" }, Ct);
            Assert.Equal(HttpStatusCode.Forbidden, password.StatusCode);
        }

        // The X-Api-Key header works too (for tools that cannot set Authorization).
        using (var header = Anonymous())
        {
            header.DefaultRequestHeaders.Add("X-Api-Key", key.Key);
            Assert.Equal(HttpStatusCode.OK, (await header.GetAsync("/api/conversations", Ct)).StatusCode);
        }

        Assert.NotNull(await api.WithDbAsync(db => db.ApiKeys.Select(k => k.LastUsedAt).SingleAsync(Ct)));

        using (var revoke = await session.DeleteAsync($"/api/keys/{key.Id}", Ct))
        {
            Assert.Equal(HttpStatusCode.NoContent, revoke.StatusCode);
        }

        using (var script = WithApiKey(key.Key))
        {
            using var refused = await script.GetAsync("/api/conversations", Ct);
            Assert.Equal(HttpStatusCode.Unauthorized, refused.StatusCode);
            Assert.Equal(ProblemCodes.InvalidApiKey, await CodeOf(refused));
        }

        Assert.NotNull((await session.GetFromJsonAsync<List<ApiKeyDto>>("/api/keys", Ct))!.Single().RevokedAt);
    }

    [Fact]
    public async Task A_disabled_users_keys_stop_working_and_made_up_keys_never_work()
    {
        var admin = await SetupAdminAsync();
        var rin = await AddUserAsync(admin, "rin");
        using var rinSession = As(rin);
        var key = (await (await rinSession.PostAsJsonAsync("/api/keys", new { name = "k" }, Ct)).Content.ReadFromJsonAsync<CreatedApiKey>(Ct))!;
        using var script = WithApiKey(key.Key);
        Assert.Equal(HttpStatusCode.OK, (await script.GetAsync("/api/conversations", Ct)).StatusCode);

        using var adminClient = As(admin);
        (await adminClient.PatchAsJsonAsync($"/api/admin/users/{rin.User.Id}", new { disabled = true }, Ct)).EnsureSuccessStatusCode();
        Assert.Equal(HttpStatusCode.Unauthorized, (await script.GetAsync("/api/conversations", Ct)).StatusCode);

        foreach (var fake in new[] { "mkc_", "mkc_" + new string('A', 43), key.Key[..^1] + (key.Key[^1] == 'A' ? 'B' : 'A'), "mkc_" + new string('x', 5000) })
        {
            using var forged = WithApiKey(fake);
            Assert.Equal(HttpStatusCode.Unauthorized, (await forged.GetAsync("/api/conversations", Ct)).StatusCode);
        }
    }

    [Fact]
    public async Task A_password_reset_or_disabling_revokes_the_users_keys_and_re_enabling_does_not_bring_them_back()
    {
        var admin = await SetupAdminAsync();
        var carol = await AddUserAsync(admin, "carol");
        using var adminClient = As(admin);
        async Task<CreatedApiKey> NewKeyAsync(SignedInUser user)
        {
            using var session = As(user);
            using var created = await session.PostAsJsonAsync("/api/keys", new { name = "cron" }, Ct);
            Assert.Equal(HttpStatusCode.Created, created.StatusCode);
            return (await created.Content.ReadFromJsonAsync<CreatedApiKey>(Ct))!;
        }

        async Task<(HttpStatusCode Status, string? Code)> MeWithAsync(CreatedApiKey key)
        {
            using var script = WithApiKey(key.Key);
            using var me = await script.GetAsync("/api/me", Ct);
            return (me.StatusCode, me.IsSuccessStatusCode ? null : await CodeOf(me));
        }

        var adminsKey = await NewKeyAsync(admin);

        // The README: a reset "ends that user's sessions and stops their API keys".
        var before = await NewKeyAsync(carol);
        Assert.Equal(HttpStatusCode.OK, (await MeWithAsync(before)).Status);
        using (var reset = await adminClient.PostAsJsonAsync($"/api/admin/users/{carol.User.Id}/password", new { newPassword = "a whole new secret" }, Ct))
        {
            Assert.Equal(HttpStatusCode.NoContent, reset.StatusCode);
        }

        Assert.Equal((HttpStatusCode.Unauthorized, ProblemCodes.InvalidApiKey), await MeWithAsync(before));
        carol = await SignInAsync("carol", "a whole new secret");
        using (var session = As(carol))
        {
            // Carol sees why her script stopped: the key is listed as revoked.
            Assert.NotNull(Assert.Single((await session.GetFromJsonAsync<List<ApiKeyDto>>("/api/keys", Ct))!).RevokedAt);
        }

        // Disabling revokes too, so re-enabling gives back the account, not keys made before (they may be why she was disabled).
        var second = await NewKeyAsync(carol);
        Assert.Equal(HttpStatusCode.OK, (await MeWithAsync(second)).Status);
        (await adminClient.PatchAsJsonAsync($"/api/admin/users/{carol.User.Id}", new { disabled = true }, Ct)).EnsureSuccessStatusCode();
        Assert.Equal(HttpStatusCode.Unauthorized, (await MeWithAsync(second)).Status);
        (await adminClient.PatchAsJsonAsync($"/api/admin/users/{carol.User.Id}", new { disabled = false }, Ct)).EnsureSuccessStatusCode();
        Assert.Equal((HttpStatusCode.Unauthorized, ProblemCodes.InvalidApiKey), await MeWithAsync(second));

        // A key made after re-enabling works; nobody else's keys were touched.
        carol = await SignInAsync("carol", "a whole new secret");
        Assert.Equal(HttpStatusCode.OK, (await MeWithAsync(await NewKeyAsync(carol))).Status);
        Assert.Equal(HttpStatusCode.OK, (await MeWithAsync(adminsKey)).Status);
    }

    [Fact]
    public async Task Keys_need_a_name_and_revoking_someone_elses_key_is_404()
    {
        var admin = await SetupAdminAsync();
        var rin = await AddUserAsync(admin, "rin");
        using var session = As(admin);
        using (var unnamed = await session.PostAsJsonAsync("/api/keys", new { name = "  " }, Ct))
        {
            Assert.Equal(HttpStatusCode.BadRequest, unnamed.StatusCode);
        }

        var key = (await (await session.PostAsJsonAsync("/api/keys", new { name = "k" }, Ct)).Content.ReadFromJsonAsync<CreatedApiKey>(Ct))!;
        using var rinSession = As(rin);
        Assert.Equal(HttpStatusCode.NotFound, (await rinSession.DeleteAsync($"/api/keys/{key.Id}", Ct)).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await rinSession.DeleteAsync($"/api/keys/{Guid.NewGuid()}", Ct)).StatusCode);
        using var stillWorks = WithApiKey(key.Key);
        Assert.Equal(HttpStatusCode.OK, (await stillWorks.GetAsync("/api/conversations", Ct)).StatusCode);
    }

    [Fact]
    public async Task A_key_with_a_lifetime_works_until_it_expires_then_says_so_and_frees_its_place()
    {
        var admin = await SetupAdminAsync();
        using var session = As(admin);
        var before = DateTime.UtcNow;
        using var created = await session.PostAsJsonAsync("/api/keys", new { name = "quarterly", expiresInDays = 90 }, Ct);
        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        var key = (await created.Content.ReadFromJsonAsync<CreatedApiKey>(Ct))!;
        Assert.InRange(key.ExpiresAt!.Value, before.AddDays(90).AddMinutes(-1), DateTime.UtcNow.AddDays(90).AddMinutes(1));
        Assert.Equal(key.ExpiresAt, (await session.GetFromJsonAsync<List<ApiKeyDto>>("/api/keys", Ct))!.Single().ExpiresAt);

        using var script = WithApiKey(key.Key);
        Assert.Equal(HttpStatusCode.OK, (await script.GetAsync("/api/conversations", Ct)).StatusCode);

        // Ninety days later (the stored expiry moved into the past): refused, with the reason a script's owner needs.
        var expired = DateTime.UtcNow.AddMinutes(-1);
        await api.WithDbAsync(db => db.ApiKeys.ExecuteUpdateAsync(s => s.SetProperty(k => k.ExpiresAt, expired).SetProperty(k => k.LastUsedAt, (DateTime?)null), Ct));
        using (var refused = await script.GetAsync("/api/conversations", Ct))
        {
            Assert.Equal(HttpStatusCode.Unauthorized, refused.StatusCode);
            var problem = (await refused.Content.ReadFromJsonAsync<JsonObject>(Ct))!;
            Assert.Equal(ProblemCodes.ApiKeyExpired, problem["code"]!.GetValue<string>());
            Assert.Contains("expired", problem["detail"]!.GetValue<string>(), StringComparison.Ordinal);
        }

        // A refused call is not a use.
        Assert.Null(await api.WithDbAsync(db => db.ApiKeys.Select(k => k.LastUsedAt).SingleAsync(Ct)));

        // An expired key no longer counts toward the active-key limit.
        for (var i = 0; i < 20; i++)
        {
            using var more = await session.PostAsJsonAsync("/api/keys", new { name = $"k{i}" }, Ct);
            Assert.Equal(HttpStatusCode.Created, more.StatusCode);
        }

        using var tooMany = await session.PostAsJsonAsync("/api/keys", new { name = "one more" }, Ct);
        Assert.Equal(HttpStatusCode.Conflict, tooMany.StatusCode);
    }

    [Theory]
    [InlineData(0)]
    [InlineData(-30)]
    [InlineData(3651)]
    public async Task An_absurd_lifetime_is_a_400_naming_the_field_and_creates_nothing(int days)
    {
        var admin = await SetupAdminAsync();
        using var session = As(admin);

        using var response = await session.PostAsJsonAsync("/api/keys", new { name = "k", expiresInDays = days }, Ct);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        var problem = (await response.Content.ReadFromJsonAsync<JsonObject>(Ct))!;
        Assert.NotNull(problem["errors"]!["expiresInDays"]);
        Assert.Empty((await session.GetFromJsonAsync<List<ApiKeyDto>>("/api/keys", Ct))!);
    }
}

/// <summary>The same on PostgreSQL.</summary>
public sealed class PostgresApiKeyTests : ApiKeyTests
{
    protected override bool OnPostgres => true;
}

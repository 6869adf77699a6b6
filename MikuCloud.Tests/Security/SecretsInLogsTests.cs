using System.Net.Http.Json;

namespace MikuCloud.Tests.Security;

/// <summary>With every category at Trace, no password, token, stamp or API key reaches the logs.</summary>
public sealed class SecretsInLogsTests : AccountsApiTest
{
    protected override void Configure(Dictionary<string, string?> settings)
    {
        base.Configure(settings);
        settings["Logging:LogLevel:Default"] = "Trace";
        settings["Logging:LogLevel:Microsoft"] = "Trace";
    }

    [Fact]
    public async Task Sign_in_keys_and_password_changes_leave_no_secrets_in_the_logs()
    {
        var admin = await SetupAdminAsync();
        using var service = Service();
        (await service.PostAsJsonAsync("/api/auth/login", new { userName = "miku", password = "wrong-password-123" }, Ct)).Dispose();
        var token = WebTokens.User(api.TokenKey, admin.User.Id, admin.Stamp);
        using var client = ClientWith(() => token);
        var key = (await (await client.PostAsJsonAsync("/api/keys", new { name = "k" }, Ct)).Content.ReadFromJsonAsync<CreatedApiKey>(Ct))!;
        using (var script = WithApiKey(key.Key))
        {
            await CreateConversationAsync(script);
        }

        var changed = await (await client.PostAsJsonAsync("/api/me/password", new { currentPassword = Password, newPassword = "new-secret-456" }, Ct))
            .Content.ReadFromJsonAsync<StampDto>(Ct);

        var logs = string.Join('\n', api.Logs);
        Assert.True(logs.Length > 1000, "the logs should have captured the requests");
        foreach (var secret in new[] { Password, "wrong-password-123", "new-secret-456", key.Key, key.Key[4..], token, token.Split('.')[2], admin.Stamp, changed!.Stamp,
                     Convert.ToBase64String(api.TokenKey) })
        {
            Assert.DoesNotContain(secret, logs, StringComparison.Ordinal);
        }
    }
}

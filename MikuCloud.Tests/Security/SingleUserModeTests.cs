using System.Net;
using System.Net.Http.Json;
using MikuCloud.Tests.Api;

namespace MikuCloud.Tests.Security;

/// <summary>Single-user mode is explicit, trusts loopback callers only, and refuses to run on a network address.</summary>
public sealed class SingleUserModeTests : ApiTest
{
    [Fact]
    public async Task Loopback_callers_are_the_local_user_without_credentials_but_not_an_account()
    {
        using var client = api.CreateClient();
        var me = await client.GetFromJsonAsync<UserDto>("/api/me", Ct);
        Assert.Equal(("local", "admin"), (me!.Id, me.Role));
        Assert.Equal(HttpStatusCode.OK, (await client.GetAsync("/api/conversations", Ct)).StatusCode);
    }

    [Theory]
    [InlineData("http://127.0.0.1:5000", true)]
    [InlineData("http://localhost:5000", true)]
    [InlineData("http://[::1]:5000", true)]
    [InlineData("http://0.0.0.0:8080", false)]
    [InlineData("http://+:8080", false)]
    [InlineData("http://*:8080", false)]
    [InlineData("http://[::]:8080", false)]
    [InlineData("http://10.0.0.5:8080", false)]
    [InlineData("http://miku.example:80", false)]
    public void Only_loopback_addresses_count_as_loopback(string address, bool loopback) =>
        Assert.Equal(loopback, Microsoft.Extensions.Hosting.Loopback.IsLoopbackAddress(address));

    [Theory]
    [InlineData("MikuCloud.Api.dll")]
    [InlineData("MikuCloud.Web.dll")]
    public async Task Each_app_refuses_to_run_single_user_on_a_network_address_with_one_line(string app)
    {
        var (exitCode, output) = await RunAsync(app, new()
        {
            ["Auth__Mode"] = "SingleUser",
            ["ASPNETCORE_URLS"] = "http://0.0.0.0:0",
        });
        Assert.Equal(1, exitCode);
        Assert.Contains("only runs on loopback", output, StringComparison.Ordinal);
        Assert.DoesNotContain("Unhandled exception", output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Accounts_mode_without_a_token_key_stops_with_a_clear_message()
    {
        var (exitCode, output) = await RunAsync("MikuCloud.Api.dll", new() { ["ASPNETCORE_URLS"] = "http://127.0.0.1:0" });
        Assert.NotEqual(0, exitCode);
        Assert.Contains("Auth:ApiTokenKey must be base64 of at least 32 random bytes", output, StringComparison.Ordinal);
    }

    private static async Task<(int ExitCode, string Output)> RunAsync(string app, Dictionary<string, string> environment)
    {
        var result = await AppProcess.RunAsync(app, environment);
        return (result.ExitCode, result.Output);
    }
}

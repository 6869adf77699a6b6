using Aspire.Hosting;
using Aspire.Hosting.ApplicationModel;

namespace MikuCloud.Tests.AppHost;

/// <summary>The AppHost gives the API and the Web the same auth mode and the same generated, secret token key.</summary>
public sealed class AuthModelTests
{
    [Fact]
    public async Task Accounts_by_default_with_one_generated_secret_key_shared_by_api_and_web()
    {
        await using var app = await AppModel.BuildAsync("Ollama:Gpu=none");
        var apiEnv = await app.Resource("api").EnvironmentAsync(DistributedApplicationOperation.Publish);
        var webEnv = await app.Resource("web").EnvironmentAsync(DistributedApplicationOperation.Publish);

        foreach (var env in new[] { apiEnv, webEnv })
        {
            Assert.Equal("{auth-mode.value}", env["Auth__Mode"]);
            Assert.Equal("{api-token-key.value}", env["Auth__ApiTokenKey"]);
        }

        var key = app.Resource<ParameterResource>("api-token-key");
        Assert.True(key.Secret);
        var value = await key.GetValueAsync(TestContext.Current.CancellationToken);
        // 64 letters and digits: valid base64 of 48 bytes, which is what the apps require (≥ 32).
        Assert.Equal(64, value!.Length);
        Assert.True(Convert.FromBase64String(value).Length >= 32);
        Assert.Equal("Accounts", await app.Resource<ParameterResource>("auth-mode").GetValueAsync(TestContext.Current.CancellationToken));
    }

    [Fact]
    public async Task Single_user_mode_is_an_explicit_parameter()
    {
        await using var app = await AppModel.BuildAsync("Ollama:Gpu=none", "Parameters:auth-mode=SingleUser");
        Assert.Equal("SingleUser", await app.Resource<ParameterResource>("auth-mode").GetValueAsync(TestContext.Current.CancellationToken));
    }
}

using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using MikuCloud.Web.Api;
using MikuCloud.Web.Auth;

namespace MikuCloud.Tests.Security;

/// <summary>Nothing sensitive in the logs: the Web's API calls at Trace level still show no token.</summary>
[Collection(SecurityCollection.Name)]
public class LogRedactionTests(SecurityFixture fixture)
{
    [Fact]
    public async Task HttpClient_logs_at_trace_level_never_contain_the_users_token()
    {
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Api:BaseAddress"] = fixture.Stack.ApiAddress.ToString(),
            ["Auth:Mode"] = "Accounts",
            ["Auth:ApiTokenKey"] = Convert.ToBase64String(fixture.Stack.Api.TokenKey),
        }).Build();
        var services = new ServiceCollection();
        services.AddSingleton<IConfiguration>(configuration);
        services.AddLogging(b => b.AddFakeLogging().SetMinimumLevel(LogLevel.Trace));
        services.AddSingleton(WebAuthOptions.FromConfiguration(configuration));
        services.AddSingleton(TimeProvider.System);
        services.AddSingleton<ApiTokenIssuer>();
        services.AddSingleton<EndedSessions>();
        services.AddSingleton<ServiceApiCredentials>();
        services.AddScoped<UserApiCredentials>();
        services.AddScoped<CurrentUser>();
        services.AddHttpContextAccessor();
        services.AddMikuApiClient(configuration);
        await using var provider = services.BuildServiceProvider();
        await using var scope = provider.CreateAsyncScope();
        var admin = fixture.Admin;
        scope.ServiceProvider.GetRequiredService<CurrentUser>().UseCircuitUser(MikuClaims.Create(admin, "Test"));

        var models = await scope.ServiceProvider.GetRequiredService<MikuApiClient>().GetModelsAsync(TestContext.Current.CancellationToken);

        Assert.NotEmpty(models); // the call was authorised, so it carried the token
        var token = provider.GetRequiredService<ApiTokenIssuer>().ForUser(admin.User.Id, admin.Stamp, admin.User.UserName);
        var logs = provider.GetFakeLogCollector().GetSnapshot();
        Assert.Contains(logs, l => l.Message.Contains("Authorization", StringComparison.Ordinal)); // headers are logged at Trace…
        Assert.DoesNotContain(logs, l => l.Message.Contains(token, StringComparison.Ordinal)); // …without their values
        Assert.DoesNotContain(logs, l => l.Message.Contains(admin.Stamp, StringComparison.Ordinal));
    }
}

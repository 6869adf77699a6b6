using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;
using MikuCloud.Api.Accounts;
using MikuCloud.Web.Auth;

namespace MikuCloud.Tests.Security;

/// <summary>The API and the Web read <c>Auth:Mode</c> with the one parser: the same text means the same mode on both sides.</summary>
public class AuthModeAgreementTests
{
    private static readonly string Key = Convert.ToBase64String(Enumerable.Range(1, 32).Select(i => (byte)i).ToArray());

    [Theory]
    [InlineData(null, AuthMode.Accounts)]
    [InlineData("Accounts", AuthMode.Accounts)]
    [InlineData("accounts", AuthMode.Accounts)]
    [InlineData("SingleUser", AuthMode.SingleUser)]
    [InlineData("single-user", AuthMode.SingleUser)]
    [InlineData(" SINGLEUSER ", AuthMode.SingleUser)]
    public void The_api_and_the_web_read_the_same_text_as_the_same_mode(string? text, AuthMode expected)
    {
        var settings = new Dictionary<string, string?> { ["Auth:Mode"] = text, ["Auth:ApiTokenKey"] = Key };

        Assert.Equal(expected, WebAuthOptions.FromConfiguration(new ConfigurationBuilder().AddInMemoryCollection(settings).Build()).Mode);
        Assert.Equal(expected == AuthMode.SingleUser, ApiSingleUser(settings));
    }

    [Fact]
    public void An_unknown_mode_stops_both_apps_with_the_same_reason()
    {
        var settings = new Dictionary<string, string?> { ["Auth:Mode"] = "Anonymous", ["Auth:ApiTokenKey"] = Key };

        var web = Assert.Throws<InvalidOperationException>(() => WebAuthOptions.FromConfiguration(new ConfigurationBuilder().AddInMemoryCollection(settings).Build()));
        var api = Assert.Throws<InvalidOperationException>(() => ApiSingleUser(settings));

        Assert.Equal("Auth:Mode must be 'Accounts' or 'SingleUser', not 'Anonymous'.", web.Message);
        Assert.Equal(web.Message, api.Message);
    }

    private static bool ApiSingleUser(Dictionary<string, string?> settings)
    {
        var builder = Host.CreateEmptyApplicationBuilder(new HostApplicationBuilderSettings());
        builder.Configuration.AddInMemoryCollection(settings);
        builder.AddAccounts();
        using var services = builder.Services.BuildServiceProvider();
        return services.GetRequiredService<IOptions<ApiAuthOptions>>().Value.IsSingleUser;
    }
}

using System.Net;
using MikuCloud.Tests.Security;

namespace MikuCloud.Tests.Browser;

/// <summary>
/// Where Chromium is not installed, plain <c>dotnet test</c> must still pass: the browser tests skip with the reason,
/// their fixtures clean up without failing, and the HTTP-only tests that share a fixture with them (Web access, log
/// redaction) still run.
/// </summary>
public class MissingChromiumTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private static string MissingChromium => Path.Combine(Path.GetTempPath(), $"no-chromium-{Guid.NewGuid():N}", "chromium");

    [Fact]
    public async Task The_security_fixture_still_gives_the_HTTP_tests_their_stack_and_only_the_browser_is_missing()
    {
        var missing = MissingChromium;
        await using var fixture = new SecurityFixture(missing);

        await fixture.InitializeAsync();

        Assert.Null(fixture.Browser);
        Assert.Contains(missing, fixture.SkipReason, StringComparison.Ordinal);
        using var client = fixture.Stack.ApiClient(fixture.Stack.UserToken(fixture.Admin));
        using var me = await client.GetAsync("/api/me", Ct);
        Assert.Equal(HttpStatusCode.OK, me.StatusCode);
        using var web = fixture.Stack.AnonymousWebClient();
        using var login = await web.GetAsync("/login", Ct);
        Assert.Equal(HttpStatusCode.OK, login.StatusCode);
    }

    [Fact]
    public async Task The_browser_fixture_skips_with_the_reason_and_cleans_up_without_failing()
    {
        var missing = MissingChromium;
        var fixture = new BrowserFixture(missing);

        await fixture.InitializeAsync();
        var cleanup = await Record.ExceptionAsync(() => fixture.DisposeAsync().AsTask());

        Assert.Contains(missing, fixture.SkipReason, StringComparison.Ordinal);
        Assert.Null(cleanup);
    }
}

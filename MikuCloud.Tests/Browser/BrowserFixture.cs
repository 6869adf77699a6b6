using System.Net;
using System.Net.Http.Json;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.Playwright;
using MikuCloud.Testing;
using MikuCloud.Tests.Api;

namespace MikuCloud.Tests.Browser;

/// <summary>
/// The whole chat path for real-browser tests: headless Chromium (Debian's, driven by Playwright) → the Web on
/// Kestrel → the API on Kestrel → <see cref="FakeOllama"/>. One instance for the browser collection (starting
/// Chromium and two hosts costs seconds; the tests run one after another and each opens a fresh browser context).
/// </summary>
public sealed class BrowserFixture : IAsyncLifetime
{
    /// <summary>Debian's Chromium (Playwright's own download does not work offline); <c>MIKU_CHROMIUM</c> overrides it.</summary>
    public static readonly string ChromiumPath = Environment.GetEnvironmentVariable("MIKU_CHROMIUM") is { Length: > 0 } path ? path : "/usr/bin/chromium";

    private static readonly string[] ChromiumArgs =
    [
        "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking",
        "--disable-component-update", "--disable-sync", "--disable-dev-shm-usage",
    ];

    private readonly string chromiumPath;

    public BrowserFixture()
        : this(ChromiumPath)
    {
    }

    /// <summary>With another Chromium path (a test's missing one: the fixture must skip, not fail).</summary>
    internal BrowserFixture(string chromiumPath) => this.chromiumPath = chromiumPath;

    public ApiFactory Api { get; } = new();

    public WebFactory Web { get; private set; } = null!;

    public IPlaywright? Playwright { get; private set; }

    public IBrowser? Browser { get; private set; }

    public FakeOllama Ollama => Api.Ollama;

    public Uri WebAddress { get; private set; } = null!;

    public Uri ApiAddress { get; private set; } = null!;

    /// <summary>Why browser tests cannot run here (no Chromium, or the API lacks endpoints the UI needs); null when they can.</summary>
    public string? SkipReason { get; private set; }

    /// <summary>Where screenshots go: <c>MIKU_SCREENSHOTS</c> (CI sets it under .ci/out), else the test output folder.</summary>
    public static string ScreenshotDirectory =>
        Environment.GetEnvironmentVariable("MIKU_SCREENSHOTS") is { Length: > 0 } dir ? dir : Path.Combine(AppContext.BaseDirectory, "screenshots");

    public async ValueTask InitializeAsync()
    {
        if (!File.Exists(chromiumPath))
        {
            SkipReason = $"{chromiumPath} is not installed (apt-get install chromium; ./test.sh does this).";
            return;
        }

        // One generation at a time and no queue: a second concurrent answer gets 429 at once (the busy test).
        Api.Settings["Chat:MaxConcurrentGenerations"] = "1";
        Api.Settings["Chat:MaxQueue"] = "0";
        await Api.InitializeAsync();
        ApiAddress = Api.CreateClient().BaseAddress!;

        using (var probe = new HttpClient { BaseAddress = ApiAddress })
        {
            using var response = await probe.PostAsJsonAsync("/api/conversations", new { title = "probe" });
            if (response.StatusCode is HttpStatusCode.NotFound or HttpStatusCode.MethodNotAllowed)
            {
                SkipReason = "The API in this build has no conversation endpoints yet (POST /api/conversations answered " + (int)response.StatusCode + ").";
                return;
            }

            if (response.Headers.Location is { } location)
            {
                await probe.DeleteAsync(location);
            }
        }

        Web = new WebFactory(ApiAddress);
        Web.StartServer();
        WebAddress = Web.CreateClient().BaseAddress!;

        Directory.CreateDirectory(ScreenshotDirectory);
        // Expect(...) polls up to this long; generous, because a slow CI machine is not a failing UI.
        Assertions.SetDefaultExpectTimeout(15_000);
        Playwright = await Microsoft.Playwright.Playwright.CreateAsync();
        Browser = await Playwright.Chromium.LaunchAsync(new BrowserTypeLaunchOptions
        {
            ExecutablePath = chromiumPath,
            Headless = true,
            Args = ChromiumArgs,
            Timeout = 60_000,
        });
    }

    /// <summary>A fresh context (own cookies and storage) in the given UI language and viewport.</summary>
    public async Task<(IBrowserContext Context, IPage Page)> NewPageAsync(string locale = "zh-CN", int width = 1280, int height = 800,
        ColorScheme colorScheme = ColorScheme.Light)
    {
        if (SkipReason is not null)
        {
            Assert.Skip(SkipReason);
        }

        var context = await Browser!.NewContextAsync(ContextOptions(WebAddress, locale, width, height, colorScheme));
        context.SetDefaultTimeout(15_000);
        var page = await context.NewPageAsync();
        page.Console += (_, message) =>
        {
            if (message.Type == "error")
            {
                ConsoleErrors.Add(message.Text);
            }
        };
        return (context, page);
    }

    /// <summary>A browser context on <paramref name="web"/>: UI language, viewport (narrow = a touch phone), colour scheme.</summary>
    public static BrowserNewContextOptions ContextOptions(Uri web, string locale, int width, int height, ColorScheme colorScheme) => new()
    {
        BaseURL = web.ToString(),
        Locale = locale,
        ViewportSize = new ViewportSize { Width = width, Height = height },
        ColorScheme = colorScheme,
        DeviceScaleFactor = 1,
        HasTouch = width < 700,
        IsMobile = width < 700,
    };

    /// <summary>Browser console errors across the session (CSP violations would show up here).</summary>
    public List<string> ConsoleErrors { get; } = [];

    public async ValueTask DisposeAsync()
    {
        if (Browser is not null)
        {
            await Browser.DisposeAsync();
        }

        Playwright?.Dispose();
        if (Web is not null)
        {
            await Web.DisposeAsync();
        }

        await Api.DisposeAsync();
    }
}

/// <summary>
/// The Web on Kestrel (loopback), pointed at the API under test instead of service discovery. SingleUser mode (no
/// sign-in, like the API's test default) unless <see cref="Settings"/> say otherwise; the security tests use accounts.
/// </summary>
public sealed class WebFactory(Uri apiAddress) : WebApplicationFactory<MikuCloud.Web.WebMarker>
{
    private readonly string uploads = Path.Combine(Path.GetTempPath(), "miku-web-e2e-" + Guid.NewGuid().ToString("N"));

    /// <summary>Extra configuration (e.g. <c>Auth:Mode=Accounts</c>), applied after the defaults.</summary>
    public Dictionary<string, string?> Settings { get; } = new(StringComparer.Ordinal) { ["Auth:Mode"] = "SingleUser" };

    public new void StartServer()
    {
        UseKestrel(o => o.Listen(IPAddress.Loopback, 0));
        base.StartServer();
    }

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        builder.UseEnvironment("Development");
        builder.UseSetting("Api:BaseAddress", apiAddress.ToString());
        builder.UseSetting("Uploads:Path", uploads);
        foreach (var (key, value) in Settings)
        {
            builder.UseSetting(key, value);
        }
    }
}

/// <summary>
/// Browser tests run on their own, after the parallel collections: on a 2-core CI machine, a Chromium, two hosts and
/// a streaming answer competing with hundreds of other tests turns timing into flakiness.
/// </summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class BrowserCollection : ICollectionFixture<BrowserFixture>
{
    public const string Name = "browser";
}

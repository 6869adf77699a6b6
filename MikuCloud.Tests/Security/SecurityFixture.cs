using Microsoft.Playwright;
using MikuCloud.Tests.Browser;

namespace MikuCloud.Tests.Security;

/// <summary>
/// One shared <see cref="SecurityStack"/> whose admin exists already (tests that need a fresh install start their own
/// stack with <see cref="NewStackAsync"/>), plus headless Chromium where it is installed. The stack never depends on
/// the browser: the HTTP-only tests of this collection run on a machine without Chromium, and only the browser tests
/// skip there (<see cref="SkipReason"/>). Tests use their own user names, so their order does not matter.
/// </summary>
public sealed class SecurityFixture : IAsyncLifetime
{
    public const string AdminName = "admin";
    public const string AdminPassword = "admin-password-1";

    private static readonly string[] ChromiumArgs =
    [
        "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking",
        "--disable-component-update", "--disable-sync", "--disable-dev-shm-usage",
    ];

    private readonly List<SecurityStack> stacks = [];
    private readonly string chromiumPath;

    public SecurityFixture()
        : this(BrowserFixture.ChromiumPath)
    {
    }

    /// <summary>With another Chromium path (a test's missing one: the fixture must still give the HTTP tests their stack).</summary>
    internal SecurityFixture(string chromiumPath) => this.chromiumPath = chromiumPath;

    public SecurityStack Stack { get; private set; } = null!;

    /// <summary>The shared stack's admin, signed in through the API.</summary>
    public SignedInUser Admin { get; private set; } = null!;

    public IPlaywright? Playwright { get; private set; }

    public IBrowser? Browser { get; private set; }

    /// <summary>Why the browser tests cannot run here (no Chromium); null when they can. The stack is there either way.</summary>
    public string? SkipReason { get; private set; }

    public async ValueTask InitializeAsync()
    {
        Stack = await NewStackAsync();
        Admin = await Stack.SetupAsync(AdminName, AdminPassword);
        if (!File.Exists(chromiumPath))
        {
            SkipReason = $"{chromiumPath} is not installed (apt-get install chromium; ./test.sh does this).";
            return;
        }

        Directory.CreateDirectory(BrowserFixture.ScreenshotDirectory);
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

    /// <summary>Another stack (fresh database), disposed with the fixture.</summary>
    public async Task<SecurityStack> NewStackAsync(bool withOidc = false, IReadOnlyDictionary<string, string?>? apiSettings = null)
    {
        var stack = await SecurityStack.StartAsync(withOidc, apiSettings);
        lock (stacks)
        {
            stacks.Add(stack);
        }

        return stack;
    }

    public async ValueTask DisposeAsync()
    {
        if (Browser is not null)
        {
            await Browser.DisposeAsync();
        }

        Playwright?.Dispose();
        foreach (var stack in stacks)
        {
            await stack.DisposeAsync();
        }
    }
}

/// <summary>Security browser tests run on their own, like the other browser tests (timing on a 2-core machine).</summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class SecurityCollection : ICollectionFixture<SecurityFixture>
{
    public const string Name = "security";
}

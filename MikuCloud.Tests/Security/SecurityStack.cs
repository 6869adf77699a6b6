using System.Net.Http.Headers;
using System.Net.Http.Json;
using Microsoft.Extensions.Configuration;
using MikuCloud.Testing;
using MikuCloud.Tests.Api;
using MikuCloud.Tests.Browser;
using MikuCloud.Web.Auth;

namespace MikuCloud.Tests.Security;

/// <summary>
/// The real API and the real Web in Accounts mode, sharing a random <c>Auth:ApiTokenKey</c>, over a fake Ollama and
/// (optionally) a fake OpenID provider — all on loopback Kestrel. The Web renders model answers with the sanitiser OFF
/// (<c>Markdown:UnsafeDisableSanitizer</c>, honoured in Development only), so the browser tests show that the
/// Content-Security-Policy alone stops script in an answer.
/// </summary>
public sealed class SecurityStack : IAsyncDisposable
{
    private SecurityStack()
    {
    }

    public ApiFactory Api { get; } = new ApiFactory().UseAccounts();

    public WebFactory Web { get; private set; } = null!;

    public FakeOpenIdProvider? Oidc { get; private set; }

    public FakeOllama Ollama => Api.Ollama;

    public Uri WebAddress { get; private set; } = null!;

    public Uri ApiAddress { get; private set; } = null!;

    /// <summary>Mints Web → API tokens with the shared key, exactly as the Web does.</summary>
    public ApiTokenIssuer Tokens { get; private set; } = null!;

    public static async Task<SecurityStack> StartAsync(bool withOidc = false, IReadOnlyDictionary<string, string?>? apiSettings = null)
    {
        var stack = new SecurityStack();
        await stack.StartCoreAsync(withOidc, apiSettings);
        return stack;
    }

    private async Task StartCoreAsync(bool withOidc, IReadOnlyDictionary<string, string?>? apiSettings)
    {
        foreach (var (key, value) in apiSettings ?? new Dictionary<string, string?>())
        {
            Api.Settings[key] = value;
        }

        await Api.InitializeAsync();
        ApiAddress = Api.CreateClient().BaseAddress!;
        var tokenKey = Convert.ToBase64String(Api.TokenKey);
        var webSettings = new Dictionary<string, string?>
        {
            ["Auth:Mode"] = "Accounts",
            ["Auth:ApiTokenKey"] = tokenKey,
            ["Markdown:UnsafeDisableSanitizer"] = "true",
        };
        if (withOidc)
        {
            Oidc = await FakeOpenIdProvider.StartAsync();
            webSettings["Auth:Oidc:Authority"] = Oidc.Issuer;
            webSettings["Auth:Oidc:ClientId"] = FakeOpenIdProvider.ClientId;
            webSettings["Auth:Oidc:ClientSecret"] = FakeOpenIdProvider.ClientSecret;
            webSettings["Auth:Oidc:DisplayName"] = "FakeID";
        }

        Web = new WebFactory(ApiAddress);
        foreach (var (key, value) in webSettings)
        {
            Web.Settings[key] = value;
        }

        Web.StartServer();
        WebAddress = Web.CreateClient().BaseAddress!;
        Tokens = new ApiTokenIssuer(WebAuthOptions.FromConfiguration(new ConfigurationBuilder().AddInMemoryCollection(webSettings).Build()), TimeProvider.System);
    }

    /// <summary>A client of the API with <paramref name="bearer"/> (a Web token or an API key), or none.</summary>
    public HttpClient ApiClient(string? bearer = null)
    {
        var client = new HttpClient { BaseAddress = ApiAddress };
        if (bearer is not null)
        {
            client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", bearer);
        }

        return client;
    }

    /// <summary>A client of the Web that neither follows redirects nor keeps cookies: what an anonymous script sees.</summary>
    public HttpClient AnonymousWebClient() =>
        new(new HttpClientHandler { AllowAutoRedirect = false, UseCookies = false }) { BaseAddress = WebAddress };

    public string UserToken(SignedInUser user) => Tokens.ForUser(user.User.Id, user.Stamp, user.User.UserName);

    /// <summary>Creates the first admin through the API (as /setup does).</summary>
    public Task<SignedInUser> SetupAsync(string userName, string password) =>
        PostAsync("/api/auth/setup", Tokens.ForService(), new { userName, password });

    /// <summary>Signs in through the API (as /login does): a fresh stamp and user, for API-side setup in tests.</summary>
    public Task<SignedInUser> LoginAsync(string userName, string password) =>
        PostAsync("/api/auth/login", Tokens.ForService(), new { userName, password });

    /// <summary>The admin adds a user (as /admin/users does).</summary>
    public async Task CreateUserAsync(SignedInUser admin, string userName, string password, string role = "user")
    {
        using var client = ApiClient(UserToken(admin));
        using var response = await client.PostAsJsonAsync("/api/admin/users", new { userName, password, role }, TestContext.Current.CancellationToken);
        response.EnsureSuccessStatusCode();
    }

    /// <summary>A conversation owned by <paramref name="user"/>, created through the API.</summary>
    public async Task<Guid> CreateConversationAsync(SignedInUser user, string title)
    {
        using var client = ApiClient(UserToken(user));
        using var response = await client.PostAsJsonAsync("/api/conversations", new { title }, TestContext.Current.CancellationToken);
        response.EnsureSuccessStatusCode();
        var created = await response.Content.ReadFromJsonAsync<System.Text.Json.Nodes.JsonObject>(TestContext.Current.CancellationToken);
        return Guid.Parse(created!["id"]!.GetValue<string>());
    }

    public async Task SetSignUpAllowedAsync(SignedInUser admin, bool allowed)
    {
        using var client = ApiClient(UserToken(admin));
        using var response = await client.PutAsJsonAsync("/api/admin/settings", new { signUpAllowed = allowed }, TestContext.Current.CancellationToken);
        response.EnsureSuccessStatusCode();
    }

    /// <summary>The install's settings as the API reports them to an admin.</summary>
    public async Task<AuthSettingsDto> SettingsAsync(SignedInUser admin)
    {
        using var client = ApiClient(UserToken(admin));
        return (await client.GetFromJsonAsync<AuthSettingsDto>("/api/admin/settings", TestContext.Current.CancellationToken))!;
    }

    public async Task SetImageUrlFetchingAsync(SignedInUser admin, bool allowed)
    {
        var settings = await SettingsAsync(admin);
        using var client = ApiClient(UserToken(admin));
        using var response = await client.PutAsJsonAsync("/api/admin/settings", settings with { ImageUrlFetching = allowed }, TestContext.Current.CancellationToken);
        response.EnsureSuccessStatusCode();
    }

    private async Task<SignedInUser> PostAsync(string path, string token, object body)
    {
        using var client = ApiClient(token);
        using var response = await client.PostAsJsonAsync(path, body, TestContext.Current.CancellationToken);
        response.EnsureSuccessStatusCode();
        return (await response.Content.ReadFromJsonAsync<SignedInUser>(ApiJson.Options, TestContext.Current.CancellationToken))!;
    }

    public async ValueTask DisposeAsync()
    {
        if (Web is not null)
        {
            await Web.DisposeAsync();
        }

        await Api.DisposeAsync();
        if (Oidc is not null)
        {
            await Oidc.DisposeAsync();
        }
    }
}

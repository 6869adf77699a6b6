using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using MikuCloud.Tests.Api;
using MikuCloud.Tests.Persistence;

namespace MikuCloud.Tests.Security;

/// <summary>
/// An API in accounts mode and the clients a test needs: the Web's service client, and per-user clients that put a
/// fresh user token on every request (as the Web does), so password resets and disables bite on the next call.
/// </summary>
public abstract class AccountsApiTest : ApiTest
{
    protected const string Password = "correct horse battery";

    private PostgresTestDatabase? postgres;

    protected override void Configure(Dictionary<string, string?> settings) => api.UseAccounts();

    /// <summary>Run against PostgreSQL (<c>MIKUCLOUD_TEST_POSTGRES</c>) instead of SQLite; the tests skip without it.</summary>
    protected virtual bool OnPostgres => false;

    public override async ValueTask InitializeAsync()
    {
        if (OnPostgres && PostgresTestDatabase.IsAvailable)
        {
            postgres = new PostgresTestDatabase();
            await postgres.CreateAsync();
            postgres.Configure(api);
        }

        await base.InitializeAsync();
    }

    public override async ValueTask DisposeAsync()
    {
        await base.DisposeAsync();
        if (postgres is not null)
        {
            await postgres.DisposeAsync();
        }
    }

    /// <summary>The Web's service client (for <c>/api/auth/*</c>).</summary>
    protected HttpClient Service() => ClientWith(() => WebTokens.Service(api.TokenKey));

    protected HttpClient Anonymous() => ClientWith(null);

    protected HttpClient As(SignedInUser user) => As(user.User.Id, () => user.Stamp);

    protected HttpClient As(string userId, Func<string> stamp) => ClientWith(() => WebTokens.User(api.TokenKey, userId, stamp()));

    protected HttpClient WithApiKey(string key) => ClientWith(() => key);

    protected HttpClient ClientWith(Func<string>? bearer)
    {
        SkipUnlessDatabase();
        using var probe = api.CreateClient(); // starts the server and tells its address
        var baseAddress = probe.BaseAddress!;
        return new HttpClient(new BearerHandler(bearer) { InnerHandler = new SocketsHttpHandler() }) { BaseAddress = baseAddress };
    }

    protected void SkipUnlessDatabase()
    {
        if (OnPostgres)
        {
            PostgresTestDatabase.SkipIfUnavailable();
        }
    }

    protected async Task<SignedInUser> SetupAdminAsync(string userName = "miku")
    {
        using var service = Service();
        using var response = await service.PostAsJsonAsync("/api/auth/setup", new { userName, password = Password }, Ct);
        Assert.Equal(System.Net.HttpStatusCode.OK, response.StatusCode);
        return (await response.Content.ReadFromJsonAsync<SignedInUser>(Ct))!;
    }

    /// <summary>The admin adds a user, who then signs in through the Web's service client.</summary>
    protected async Task<SignedInUser> AddUserAsync(SignedInUser admin, string userName, string role = "user")
    {
        using var client = As(admin);
        using (var created = await client.PostAsJsonAsync("/api/admin/users", new { userName, password = Password, role }, Ct))
        {
            Assert.Equal(System.Net.HttpStatusCode.Created, created.StatusCode);
        }

        return await SignInAsync(userName);
    }

    protected async Task<SignedInUser> SignInAsync(string userName, string password = Password)
    {
        using var service = Service();
        using var response = await service.PostAsJsonAsync("/api/auth/login", new { userName, password }, Ct);
        Assert.Equal(System.Net.HttpStatusCode.OK, response.StatusCode);
        return (await response.Content.ReadFromJsonAsync<SignedInUser>(Ct))!;
    }

    internal static async Task<string> CreateConversationAsync(HttpClient client, string title = "secret plans")
    {
        using var response = await client.PostAsJsonAsync("/api/conversations", new { title }, Ct);
        Assert.Equal(System.Net.HttpStatusCode.Created, response.StatusCode);
        return (await response.Content.ReadFromJsonAsync<JsonObject>(Ct))!["id"]!.GetValue<string>();
    }

    /// <summary>The refusal's code: a problem's <c>code</c>, or <c>error.code</c> in OpenAI's shape (on <c>/v1</c>).</summary>
    internal static async Task<string?> CodeOf(HttpResponseMessage response)
    {
        if (response.Content.Headers.ContentType?.MediaType?.Contains("json", StringComparison.Ordinal) != true)
        {
            return null;
        }

        var body = await response.Content.ReadFromJsonAsync<JsonObject>(Ct);
        return (body?["code"] ?? body?["error"]?["code"])?.GetValue<string>();
    }

    /// <summary>Puts a fresh bearer token on every request (none when <paramref name="bearer"/> is null), as the Web does.</summary>
    internal sealed class BearerHandler(Func<string>? bearer) : DelegatingHandler
    {
        protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
        {
            if (bearer is not null)
            {
                request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", bearer());
            }

            return base.SendAsync(request, cancellationToken);
        }
    }
}

using System.Net.Http.Json;
using System.Security.Cryptography;
using MikuCloud.Testing;
using MikuCloud.Tests.Api;
using MikuCloud.Tests.Persistence;
using MikuCloud.Tests.Security;

namespace MikuCloud.Tests.ScaleOut;

/// <summary>
/// Three API processes (each its own host: its own singletons, limits and router) in accounts mode on one PostgreSQL and
/// one Redis, routing to the same two fake Ollama replicas, as three API pods of the cluster overlay do. A user's
/// token works on each (they share the token key, as pods share a Secret).
/// </summary>
public sealed class ScaleOutCluster : IAsyncDisposable
{
    public const string Password = "correct horse battery";

    private readonly byte[] tokenKey = RandomNumberGenerator.GetBytes(32);
    private readonly PostgresTestDatabase database = new();
    private readonly List<ApiFactory> apis = [];
    private int next;

    private ScaleOutCluster()
    {
    }

    /// <summary>The API processes.</summary>
    public IReadOnlyList<ApiFactory> Apis => apis;

    /// <summary>The Ollama replicas every process routes to.</summary>
    public IReadOnlyList<FakeOllama> Replicas { get; private set; } = [];

    /// <summary>This cluster's keys in the shared Redis (each cluster its own, so tests do not meet).</summary>
    public string KeyPrefix { get; } = $"test-{Guid.NewGuid():N}:";

    /// <summary>Starts <paramref name="processes"/> APIs with <paramref name="settings"/>; with <paramref name="redis"/> false, none shares state (as before scale-out).</summary>
    public static async Task<ScaleOutCluster> StartAsync(Dictionary<string, string> settings, int processes = 3, bool redis = true)
    {
        PostgresTestDatabase.SkipIfUnavailable();
        Assert.SkipWhen(PrivateRedis.Shared is null, PrivateRedis.NotInstalled);
        var cluster = new ScaleOutCluster();
        try
        {
            await cluster.database.CreateAsync();
            cluster.Replicas = [await FakeOllama.StartAsync(), await FakeOllama.StartAsync()];
            foreach (var replica in cluster.Replicas)
            {
                replica.WithModel("miku-vl", "qwen3-vl:8b-instruct-q4_K_M");
            }

            for (var i = 0; i < processes; i++)
            {
                cluster.apis.Add(await cluster.database.StartApiAsync(api =>
                {
                    api.UseAccounts();
                    api.Settings["Auth:ApiTokenKey"] = Convert.ToBase64String(cluster.tokenKey);
                    for (var r = 0; r < cluster.Replicas.Count; r++)
                    {
                        api.Settings[$"Ollama:Replicas:{r}"] = cluster.Replicas[r].Endpoint.GetLeftPart(UriPartial.Authority);
                    }

                    if (redis)
                    {
                        api.Settings["ConnectionStrings:redis"] = PrivateRedis.Shared!.ConnectionString;
                        api.Settings["ScaleOut:KeyPrefix"] = cluster.KeyPrefix;
                    }

                    foreach (var (key, value) in settings)
                    {
                        api.Settings[key] = value;
                    }
                }));
            }

            return cluster;
        }
        catch
        {
            await cluster.DisposeAsync();
            throw;
        }
    }

    /// <summary>Every model reply on every replica.</summary>
    public Func<System.Text.Json.Nodes.JsonObject, FakeChatReply> Chat
    {
        set
        {
            foreach (var replica in Replicas)
            {
                replica.Chat = value;
            }
        }
    }

    /// <summary>The Web's service client on process <paramref name="index"/>.</summary>
    public HttpClient Service(int index) => Client(index, () => WebTokens.Service(tokenKey));

    /// <summary>The user's client on process <paramref name="index"/> (a fresh token on every request, as the Web sends).</summary>
    public HttpClient As(SignedInUser user, int index) => Client(index, () => WebTokens.User(tokenKey, user.User.Id, user.Stamp));

    /// <summary>The user's client for an API at <paramref name="address"/> (a child process of <see cref="ChildSettings"/>).</summary>
    public HttpClient As(SignedInUser user, Uri address) =>
        new(new AccountsApiTest.BearerHandler(() => WebTokens.User(tokenKey, user.User.Id, user.Stamp)) { InnerHandler = new SocketsHttpHandler() }) { BaseAddress = address };

    /// <summary>The settings of process 0, for one more API as a child process (<see cref="ApiProcess"/>) that can be killed outright.</summary>
    public Dictionary<string, string> ChildSettings()
    {
        var settings = apis[0].Settings.Where(s => s.Value is not null).ToDictionary(s => s.Key, s => s.Value!);
        settings["ConnectionStrings:ollama"] = Replicas[0].ConnectionString;
        return settings;
    }

    /// <summary>The user's client on the next process in turn, as a load balancer spreads requests.</summary>
    public HttpClient AsNext(SignedInUser user) => As(user, next++ % apis.Count);

    /// <summary>The first visitor becomes the admin (on process 0).</summary>
    public async Task<SignedInUser> SetupAdminAsync(CancellationToken ct)
    {
        using var service = Service(0);
        using var response = await service.PostAsJsonAsync("/api/auth/setup", new { userName = "miku", password = Password }, ct);
        response.EnsureSuccessStatusCode();
        return (await response.Content.ReadFromJsonAsync<SignedInUser>(ct))!;
    }

    public async ValueTask DisposeAsync()
    {
        foreach (var api in apis)
        {
            await api.DisposeAsync();
        }

        foreach (var replica in Replicas)
        {
            await replica.DisposeAsync();
        }

        await database.DisposeAsync();
    }

    private HttpClient Client(int index, Func<string> bearer)
    {
        using var probe = apis[index].CreateClient(); // starts the server and tells its address
        return new HttpClient(new AccountsApiTest.BearerHandler(bearer) { InnerHandler = new SocketsHttpHandler() }) { BaseAddress = probe.BaseAddress };
    }
}

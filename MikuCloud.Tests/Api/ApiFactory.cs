using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Testing;
using MikuCloud.Api.Data;
using MikuCloud.Testing;

namespace MikuCloud.Tests.Api;

/// <summary>
/// The API as configured in production — only <c>ConnectionStrings:ollama</c> and <c>ConnectionStrings:chatdb</c> set —
/// on Kestrel (loopback), against a <see cref="FakeOllama"/> on loopback and a fresh SQLite file. Single-user mode
/// (no credentials, as on a laptop) unless <see cref="UseAccounts"/> is called; security tests use accounts.
/// </summary>
public sealed class ApiFactory : WebApplicationFactory<MikuCloud.Api.ApiMarker>, IAsyncLifetime
{
    /// <summary>The token key in accounts mode (random per factory), for minting Web tokens in tests.</summary>
    public byte[] TokenKey { get; } = System.Security.Cryptography.RandomNumberGenerator.GetBytes(32);

    /// <summary>Accounts mode with this factory's <see cref="TokenKey"/>; call before the server starts.</summary>
    public ApiFactory UseAccounts()
    {
        Settings["Auth:Mode"] = "Accounts";
        Settings["Auth:ApiTokenKey"] = Convert.ToBase64String(TokenKey);
        return this;
    }

    private readonly string dbPath = Path.Combine(Path.GetTempPath(), $"mikucloud-test-{Guid.NewGuid():N}.db");

    public FakeOllama Ollama { get; private set; } = null!;

    /// <summary>Extra configuration for a test (e.g. <c>Chat:MaxConcurrentGenerations</c>).</summary>
    public Dictionary<string, string?> Settings { get; } = new(StringComparer.Ordinal);

    /// <summary>
    /// Registrations that replace the API's own, for the few seams that exist for tests (e.g. the image fetch's
    /// address policy, to reach an image server on loopback); null for the API exactly as configured.
    /// </summary>
    public Action<IServiceCollection>? TestServices { get; set; }

    /// <summary>Every record the API logged (at the levels its configuration enables), in order.</summary>
    public FakeLogCollector LogCollector => Services.GetFakeLogCollector();

    /// <summary>
    /// Every log record the API wrote as one line — category, message, exception and structured state — for tests that
    /// check nothing secret is logged: a value counts as logged wherever in the record it is.
    /// </summary>
    public IReadOnlyList<string> Logs => LogCollector.GetSnapshot()
        .Select(r => $"{r.Category}: {r.Message} {r.Exception} {string.Join(' ', r.StructuredState?.Select(p => $"{p.Key}={p.Value}") ?? [])}")
        .ToList();

    public string DatabaseConnectionString => $"Data Source={dbPath}";

    public async ValueTask InitializeAsync()
    {
        Ollama = await FakeOllama.StartAsync();
        Ollama.WithModel("miku-vl", "qwen3-vl:8b-instruct-q4_K_M");
        // Real sockets on loopback, not the in-memory TestServer: disconnects, flushing and timeouts behave as in production.
        // The server starts on first use (CreateClient, Services or StartServer).
        UseKestrel(o => o.Listen(System.Net.IPAddress.Loopback, 0));
    }

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        builder.UseEnvironment("Development");
        builder.UseSetting("ConnectionStrings:ollama", Ollama.ConnectionString);
        builder.UseSetting("ConnectionStrings:chatdb", DatabaseConnectionString);
        builder.UseSetting("Auth:Mode", "SingleUser");
        foreach (var (key, value) in Settings)
        {
            builder.UseSetting(key, value);
        }

        if (TestServices is { } replace)
        {
            builder.ConfigureTestServices(replace);
        }

        // Kept on this host (its own collector, so a WithWebHostBuilder copy keeps its own too); the configured levels apply.
        builder.ConfigureLogging(l => l.AddFakeLogging());
    }

    /// <summary>
    /// A client that closes its socket when a response is disposed unfinished, as a browser closing a tab does
    /// (HttpClient's default would keep reading to reuse the connection).
    /// </summary>
    public HttpClient CreateAbruptClient()
    {
        using var probe = CreateClient(); // starts the server and tells its address
        return new HttpClient(new SocketsHttpHandler { MaxResponseDrainSize = 0 }) { BaseAddress = probe.BaseAddress };
    }

    /// <summary>A fresh scope's database context, to look at what was stored.</summary>
    public async Task<T> WithDbAsync<T>(Func<ChatDbContext, Task<T>> query)
    {
        await using var scope = Services.CreateAsyncScope();
        return await query(scope.ServiceProvider.GetRequiredService<ChatDbContext>());
    }

    public override async ValueTask DisposeAsync()
    {
        await base.DisposeAsync();
        if (Ollama is { } ollama) // null when the factory was never initialised (a fixture that skipped early)
        {
            await ollama.DisposeAsync();
        }

        foreach (var suffix in new[] { "", "-wal", "-shm" })
        {
            File.Delete(dbPath + suffix);
        }
    }
}

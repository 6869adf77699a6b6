using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using MikuCloud.Tests.Api;
using MikuCloud.Tests.Reliability;
using Npgsql;

namespace MikuCloud.Tests.Persistence;

/// <summary>An empty chat database for one test class, and how to point an <see cref="ApiFactory"/> at it.</summary>
public abstract class TestDatabase : IAsyncDisposable
{
    /// <summary><c>sqlite</c> or <c>postgres</c>.</summary>
    public abstract string Provider { get; }

    public abstract ValueTask CreateAsync();

    /// <summary>The settings an API needs for this database (as in production: a connection string and, for PostgreSQL, the provider).</summary>
    public abstract void Configure(ApiFactory api);

    /// <summary>A context of this provider on this database, without an API (e.g. to migrate it to an earlier version).</summary>
    public abstract MikuCloud.Api.Data.ChatDbContext OpenContext();

    /// <summary>Starts an API on this database (migrations and recovery run at start); <paramref name="configure"/> adds settings.</summary>
    public async Task<ApiFactory> StartApiAsync(Action<ApiFactory>? configure = null)
    {
        var api = new ApiFactory();
        Configure(api);
        configure?.Invoke(api);
        await api.InitializeAsync();
        api.StartServer(); // start now: migrations and recovery run here
        return api;
    }

    public abstract ValueTask DisposeAsync();
}

/// <summary>A temp SQLite file (the API's default provider: only <c>ConnectionStrings:chatdb</c> is set).</summary>
public sealed class SqliteTestDatabase : TestDatabase
{
    public string Path { get; } = System.IO.Path.Combine(System.IO.Path.GetTempPath(), $"mikucloud-persist-{Guid.NewGuid():N}.db");

    public string ConnectionString => $"Data Source={Path}";

    public override string Provider => "sqlite";

    public override ValueTask CreateAsync() => ValueTask.CompletedTask;

    public override void Configure(ApiFactory api) => api.Settings["ConnectionStrings:chatdb"] = ConnectionString;

    public override MikuCloud.Api.Data.ChatDbContext OpenContext() =>
        new MikuCloud.Api.Data.SqliteChatDbContext(new DbContextOptionsBuilder<MikuCloud.Api.Data.SqliteChatDbContext>().UseSqlite(ConnectionString).Options);

    public override ValueTask DisposeAsync()
    {
        SqliteConnection.ClearAllPools();
        foreach (var suffix in new[] { "", "-wal", "-shm" })
        {
            File.Delete(Path + suffix);
        }

        return ValueTask.CompletedTask;
    }
}

/// <summary>
/// A fresh database, dropped afterwards, on the server named by <c>MIKUCLOUD_TEST_POSTGRES</c> or else on a throwaway
/// server the tests start themselves from the installed binaries — so a plain <c>dotnet test</c> covers both providers
/// wherever PostgreSQL is installed.
/// </summary>
public sealed class PostgresTestDatabase : TestDatabase
{
    public const string EnvironmentVariable = "MIKUCLOUD_TEST_POSTGRES";

    private static readonly Lazy<(string? ConnectionString, string? Missing)> Server = new(() => ResolveServer(Environment.GetEnvironmentVariable(EnvironmentVariable)));

    private readonly string name = $"mikucloud_test_{Guid.NewGuid():N}";

    /// <summary>Why the PostgreSQL tests cannot run here; null when they can.</summary>
    public static string? SkipReason => Server.Value.Missing;

    public static string? ServerConnectionString => Server.Value.ConnectionString;

    public static bool IsAvailable => ServerConnectionString is not null;

    /// <summary>
    /// The server to use: the configured one when <paramref name="configured"/> is set, else one started here (once per
    /// test process, stopped when it exits), else none, with the reason.
    /// </summary>
    public static (string? ConnectionString, string? Missing) ResolveServer(string? configured)
    {
        if (configured is { Length: > 0 })
        {
            return (configured, null);
        }

        return PrivatePostgres.StartThrowaway() is { } server
            ? (server.ConnectionString, null)
            : (null, $"PostgreSQL tests need a server: {PrivatePostgres.NotInstalled} Or name one in {EnvironmentVariable}.");
    }

    /// <summary>Skips the calling test (xunit v3 dynamic skip, reason shown) when no server can be had.</summary>
    public static void SkipIfUnavailable()
    {
        if (!IsAvailable)
        {
            Assert.Skip(SkipReason!);
        }
    }

    public string ConnectionString => new NpgsqlConnectionStringBuilder(ServerConnectionString) { Database = name }.ConnectionString;

    public override string Provider => "postgres";

    public override async ValueTask CreateAsync()
    {
        SkipIfUnavailable();
        await using var connection = new NpgsqlConnection(ServerConnectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand($"CREATE DATABASE \"{name}\"", connection);
        await command.ExecuteNonQueryAsync();
    }

    public override void Configure(ApiFactory api)
    {
        api.Settings["Database:Provider"] = "postgres";
        api.Settings["ConnectionStrings:chatdb"] = ConnectionString;
    }

    public override MikuCloud.Api.Data.ChatDbContext OpenContext() =>
        new MikuCloud.Api.Data.PostgresChatDbContext(new DbContextOptionsBuilder<MikuCloud.Api.Data.PostgresChatDbContext>().UseNpgsql(ConnectionString).Options);

    public override async ValueTask DisposeAsync()
    {
        if (!IsAvailable)
        {
            return;
        }

        await using (var pooled = new NpgsqlConnection(ConnectionString))
        {
            NpgsqlConnection.ClearPool(pooled);
        }

        await using var connection = new NpgsqlConnection(ServerConnectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand($"DROP DATABASE IF EXISTS \"{name}\" WITH (FORCE)", connection);
        await command.ExecuteNonQueryAsync();
    }
}

/// <summary>One database and one running API shared by the tests of a class (they run one after another).</summary>
public abstract class ApiFixture : IAsyncLifetime
{
    private TestDatabase? database;
    private ApiFactory? api;
    private HttpClient? client;

    /// <summary>False for PostgreSQL when no server can be had (see <see cref="PostgresTestDatabase"/>); the test classes then skip.</summary>
    public abstract bool IsAvailable { get; }

    public TestDatabase Database => database ?? throw new InvalidOperationException("The fixture is not available.");

    public ApiFactory Api => api ?? throw new InvalidOperationException("The fixture is not available.");

    public HttpClient Client => client ?? throw new InvalidOperationException("The fixture is not available.");

    protected abstract TestDatabase CreateDatabase();

    public void SkipIfUnavailable()
    {
        if (!IsAvailable)
        {
            Assert.Skip(PostgresTestDatabase.SkipReason!);
        }
    }

    public async ValueTask InitializeAsync()
    {
        if (!IsAvailable)
        {
            return;
        }

        database = CreateDatabase();
        await database.CreateAsync();
        api = await database.StartApiAsync();
        client = api.CreateClient();
    }

    public async ValueTask DisposeAsync()
    {
        client?.Dispose();
        if (api is not null)
        {
            await api.DisposeAsync();
        }

        if (database is not null)
        {
            await database.DisposeAsync();
        }

        GC.SuppressFinalize(this);
    }
}

public sealed class SqliteApiFixture : ApiFixture
{
    public override bool IsAvailable => true;

    protected override TestDatabase CreateDatabase() => new SqliteTestDatabase();
}

public sealed class PostgresApiFixture : ApiFixture
{
    public override bool IsAvailable => PostgresTestDatabase.IsAvailable;

    protected override TestDatabase CreateDatabase() => new PostgresTestDatabase();
}

using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace MikuCloud.Api.Data;

/// <summary>SQLite flavour (the default); its migrations live in <c>Data/Migrations/Sqlite</c>.</summary>
public sealed class SqliteChatDbContext(DbContextOptions<SqliteChatDbContext> options) : ChatDbContext(options);

/// <summary>PostgreSQL flavour (<c>Database:Provider=postgres</c>); its migrations live in <c>Data/Migrations/Postgres</c>.</summary>
public sealed class PostgresChatDbContext(DbContextOptions<PostgresChatDbContext> options) : ChatDbContext(options);

/// <summary>Which database holds the chat history.</summary>
public enum ChatDatabaseProvider
{
    Sqlite,
    Postgres,
}

/// <summary>
/// Registers the chat history database from <c>ConnectionStrings:chatdb</c> and <c>Database:Provider</c>
/// (<c>sqlite</c>, the default, or <c>postgres</c>), and a startup step that applies migrations and
/// recovers messages a crash left <c>streaming</c> (see <see cref="ChatDatabaseInitializer"/>).
/// </summary>
public static class ChatDatabaseSetup
{
    /// <summary>The connection string name (<c>ConnectionStrings:chatdb</c>).</summary>
    public const string ConnectionName = "chatdb";

    /// <summary>SQLite file used when <c>ConnectionStrings:chatdb</c> is not set.</summary>
    public const string DefaultSqliteConnectionString = "Data Source=mikucloud.db";

    public static IHostApplicationBuilder AddChatDatabase(this IHostApplicationBuilder builder)
    {
        ChatDatabaseProvider provider;
        try
        {
            provider = ParseProvider(builder.Configuration["Database:Provider"]);
        }
        catch (InvalidOperationException invalid)
        {
            // A setting the API cannot start with: one line and exit code 1 (StartupRefusal).
            throw new StartupRefusedException(invalid.Message, invalid);
        }

        var connection = builder.Configuration.GetConnectionString(ConnectionName);
        if (provider == ChatDatabaseProvider.Postgres)
        {
            if (string.IsNullOrWhiteSpace(connection))
            {
                throw new StartupRefusedException(
                    "Database:Provider=postgres needs ConnectionStrings:chatdb (e.g. 'Host=db;Database=mikucloud;Username=…;Password=…').");
            }

            // Pooled contexts: EF Core builds a scope of internal services for every new context, which cost each
            // request's first query ~130 µs and 14 KB (BENCHMARKS.md, item 6); a pooled context is reset and reused.
            builder.Services.AddDbContextPool<PostgresChatDbContext>(o => o.UseNpgsql(connection));
            builder.Services.AddScoped<ChatDbContext>(sp => sp.GetRequiredService<PostgresChatDbContext>());
            // Several API replicas may share this database: readers on one follow answers generating on another.
            builder.Services.AddSingleton(sp => new Turns.Live.PostgresAnswerRelay(connection, sp.GetRequiredService<Turns.Live.LiveAnswers>(),
                sp.GetRequiredService<ILogger<Turns.Live.PostgresAnswerRelay>>()));
            builder.Services.AddSingleton<Turns.Live.IAnswerRelay>(sp => sp.GetRequiredService<Turns.Live.PostgresAnswerRelay>());
            builder.Services.AddHostedService(sp => sp.GetRequiredService<Turns.Live.PostgresAnswerRelay>());
        }
        else
        {
            connection = PrepareSqlite(string.IsNullOrWhiteSpace(connection) ? DefaultSqliteConnectionString : connection);
            builder.Services.AddDbContextPool<SqliteChatDbContext>(o => o.UseSqlite(connection).AddInterceptors(SqliteConnectionSetup.Instance));
            builder.Services.AddScoped<ChatDbContext>(sp => sp.GetRequiredService<SqliteChatDbContext>());
        }

        builder.Services.TryAddSingleton(TimeProvider.System);
        builder.Services.AddSingleton(new ChatDatabaseInfo(provider));
        builder.Services.AddHostedService<ChatDatabaseInitializer>();
        return builder;
    }

    /// <summary><c>sqlite</c> (default, also when empty) or <c>postgres</c>/<c>postgresql</c>; anything else is a configuration error.</summary>
    public static ChatDatabaseProvider ParseProvider(string? value) => value?.Trim().ToLowerInvariant() switch
    {
        null or "" or "sqlite" => ChatDatabaseProvider.Sqlite,
        "postgres" or "postgresql" => ChatDatabaseProvider.Postgres,
        _ => throw new InvalidOperationException($"Database:Provider='{value}' is not valid. Use 'sqlite' (default) or 'postgres'."),
    };

    /// <summary>Creates the folder of a SQLite file so a fresh install starts with only the connection string set.</summary>
    private static string PrepareSqlite(string connection)
    {
        var builder = new SqliteConnectionStringBuilder(connection);
        var path = builder.DataSource;
        if (!string.IsNullOrEmpty(path) && path != ":memory:" && builder.Mode != SqliteOpenMode.Memory
            && !path.StartsWith("file:", StringComparison.OrdinalIgnoreCase))
        {
            var folder = Path.GetDirectoryName(Path.GetFullPath(path));
            if (!string.IsNullOrEmpty(folder))
            {
                Directory.CreateDirectory(folder);
            }
        }

        return builder.ConnectionString;
    }
}

/// <summary>What the API was configured with (for diagnostics and provider-specific code paths).</summary>
public sealed record ChatDatabaseInfo(ChatDatabaseProvider Provider);

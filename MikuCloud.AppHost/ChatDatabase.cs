namespace MikuCloud.AppHost;

/// <summary>The chat history database and the provider the API must use for it.</summary>
/// <param name="Resource">What the API references as <c>ConnectionStrings:chatdb</c>.</param>
/// <param name="Provider"><c>sqlite</c> or <c>postgres</c> (the API's <c>Database:Provider</c>).</param>
/// <param name="Server">The PostgreSQL server resource when the AppHost runs one.</param>
public sealed record ChatDatabase(IResourceBuilder<IResourceWithConnectionString> Resource, string Provider, IResourceBuilder<PostgresServerResource>? Server = null);

/// <summary>The chat history database the API uses (<c>ConnectionStrings:chatdb</c>).</summary>
public static class ChatDatabaseExtensions
{
    /// <summary>The connection name the API reads.</summary>
    public const string Name = "chatdb";

    /// <summary>The PostgreSQL server resource (with <c>Database:Provider=postgres</c>).</summary>
    public const string PostgresServerName = "postgres";

    public const string Sqlite = "sqlite", Postgres = "postgres";

    /// <summary>
    /// <c>Database:Provider</c> (AppHost configuration) = <c>sqlite</c> (default) or <c>postgres</c>.
    /// SQLite: a file under the AppHost's <c>.data/</c> folder when running locally; a connection string parameter when
    /// publishing. PostgreSQL: a <c>postgres</c> container with a data volume and a <c>chatdb</c> database — or, when
    /// <c>ConnectionStrings:chatdb</c> is set, that existing server. In both cases an explicit
    /// <c>ConnectionStrings:chatdb</c> wins.
    /// </summary>
    public static ChatDatabase AddChatDatabase(this IDistributedApplicationBuilder builder)
    {
        ArgumentNullException.ThrowIfNull(builder);
        var provider = builder.Configuration["Database:Provider"]?.Trim().ToLowerInvariant() switch
        {
            null or "" or Sqlite => Sqlite,
            Postgres or "postgresql" => Postgres,
            var other => throw new InvalidOperationException($"Database:Provider='{other}' is not valid. Use one of: sqlite, postgres."),
        };
        var explicitConnection = !string.IsNullOrWhiteSpace(builder.Configuration[$"ConnectionStrings:{Name}"]);

        if (provider == Postgres)
        {
            if (explicitConnection)
            {
                return new ChatDatabase(builder.AddConnectionString(Name), Postgres);
            }

            var server = builder.AddPostgres(PostgresServerName).WithDataVolume();
            return new ChatDatabase(server.AddDatabase(Name), Postgres, server);
        }

        if (builder.ExecutionContext.IsPublishMode || explicitConnection)
        {
            return new ChatDatabase(builder.AddConnectionString(Name), Sqlite);
        }

        var folder = Path.Combine(builder.AppHostDirectory, ".data");
        Directory.CreateDirectory(folder);
        return new ChatDatabase(builder.AddConnectionString(Name, ReferenceExpression.Create($"Data Source={Path.Combine(folder, "mikucloud.db")}")), Sqlite);
    }

    /// <summary>
    /// Gives the API <c>ConnectionStrings:chatdb</c> and <c>Database__Provider</c>; with a PostgreSQL server run by the
    /// AppHost, the API also waits until the database is ready (the API applies its migrations at startup).
    /// </summary>
    public static IResourceBuilder<T> WithChatDatabase<T>(this IResourceBuilder<T> builder, ChatDatabase database)
        where T : IResourceWithEnvironment, IResourceWithWaitSupport
    {
        ArgumentNullException.ThrowIfNull(builder);
        ArgumentNullException.ThrowIfNull(database);
        builder.WithReference(database.Resource).WithEnvironment("Database__Provider", database.Provider);
        if (database.Server is not null)
        {
            builder.WaitFor(database.Resource);
        }

        return builder;
    }
}

using System.Data.Common;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore.Diagnostics;

namespace MikuCloud.Api.Data;

/// <summary>
/// Per-connection SQLite settings. <c>busy_timeout</c> makes a writer wait for another writer's lock instead of
/// failing with "database is locked" (SQLite has one writer at a time; WAL, set once at startup, lets readers
/// carry on meanwhile). <c>lower()</c> is replaced by .NET's invariant lower-casing so title search is
/// case-insensitive beyond ASCII, as it is on PostgreSQL.
/// </summary>
internal sealed class SqliteConnectionSetup : DbConnectionInterceptor
{
    public static readonly SqliteConnectionSetup Instance = new();

    /// <summary>How long a statement waits for a lock held by another connection.</summary>
    public const int BusyTimeoutMilliseconds = 10_000;

    private static readonly string Pragmas = $"PRAGMA busy_timeout = {BusyTimeoutMilliseconds};";

    public override void ConnectionOpened(DbConnection connection, ConnectionEndEventData eventData)
    {
        Configure(connection);
        using var command = connection.CreateCommand();
        command.CommandText = Pragmas;
        command.ExecuteNonQuery();
    }

    public override async Task ConnectionOpenedAsync(DbConnection connection, ConnectionEndEventData eventData, CancellationToken cancellationToken = default)
    {
        Configure(connection);
        await using var command = connection.CreateCommand();
        command.CommandText = Pragmas;
        await command.ExecuteNonQueryAsync(cancellationToken);
    }

    private static void Configure(DbConnection connection)
    {
        if (connection is SqliteConnection sqlite)
        {
            sqlite.CreateFunction("lower", (string? s) => s?.ToLowerInvariant(), isDeterministic: true);
        }
    }
}

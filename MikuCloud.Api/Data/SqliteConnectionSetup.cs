using System.Data.Common;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore.Diagnostics;

namespace MikuCloud.Api.Data;

/// <summary>
/// Per-connection SQLite settings. <c>busy_timeout</c> makes a writer wait for another writer's lock instead of
/// failing with "database is locked" (SQLite has one writer at a time; WAL, set once at startup, lets readers
/// carry on meanwhile). <c>synchronous = NORMAL</c> is SQLite's recommended setting for WAL: a commit survives a crash
/// of the API, and the WAL is synced at checkpoints; what it gives up against <c>FULL</c> (an fsync per commit) is the
/// last commits before a power cut or OS crash. Each chat turn commits twice, the first (the question) on the way to
/// the first token: while other work kept the disk busy the fsync cost 3–4 ms of time to first token at p50 and 20–35 ms
/// at p99 (BENCHMARKS.md, item 1; a fraction of a millisecond on an idle disk).
/// <c>lower()</c> is replaced by .NET's invariant lower-casing so title search is case-insensitive beyond ASCII, as it
/// is on PostgreSQL.
/// </summary>
internal sealed class SqliteConnectionSetup : DbConnectionInterceptor
{
    public static readonly SqliteConnectionSetup Instance = new();

    /// <summary>How long a statement waits for a lock held by another connection.</summary>
    public const int BusyTimeoutMilliseconds = 10_000;

    private static readonly string Pragmas = $"PRAGMA busy_timeout = {BusyTimeoutMilliseconds}; PRAGMA synchronous = NORMAL;";

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

using System.Data.Common;
using System.Runtime.CompilerServices;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore.Diagnostics;
using SQLitePCL;

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
/// Both are done once per native connection (Microsoft.Data.Sqlite pools those): the PRAGMAs and the function stick to
/// it. The function is registered on the native handle rather than with <c>SqliteConnection.CreateFunction</c>,
/// which re-registers on every open; redoing either on each open cost every database-touching request tens of
/// microseconds (BENCHMARKS.md, item 6).
/// </summary>
internal sealed class SqliteConnectionSetup : DbConnectionInterceptor
{
    public static readonly SqliteConnectionSetup Instance = new();

    /// <summary>How long a statement waits for a lock held by another connection.</summary>
    public const int BusyTimeoutMilliseconds = 10_000;

    private static readonly string Pragmas = $"PRAGMA busy_timeout = {BusyTimeoutMilliseconds}; PRAGMA synchronous = NORMAL;";

    /// <summary>Native connections (pooled by Microsoft.Data.Sqlite) that already have the PRAGMAs and <c>lower()</c>.</summary>
    private static readonly ConditionalWeakTable<sqlite3, object> Configured = new();

    /// <summary>Held in a static field: SQLite keeps calling it for as long as the native connection lives.</summary>
    private static readonly delegate_function_scalar LowerInvariant = (context, _, args) =>
    {
        if (raw.sqlite3_value_type(args[0]) == raw.SQLITE_NULL)
        {
            raw.sqlite3_result_null(context);
        }
        else
        {
            raw.sqlite3_result_text(context, raw.sqlite3_value_text(args[0]).utf8_to_string().ToLowerInvariant());
        }
    };

    public override void ConnectionOpened(DbConnection connection, ConnectionEndEventData eventData)
    {
        if (NeedsPragmas(connection))
        {
            using var command = connection.CreateCommand();
            command.CommandText = Pragmas;
            command.ExecuteNonQuery();
        }
    }

    public override async Task ConnectionOpenedAsync(DbConnection connection, ConnectionEndEventData eventData, CancellationToken cancellationToken = default)
    {
        if (NeedsPragmas(connection))
        {
            await using var command = connection.CreateCommand();
            command.CommandText = Pragmas;
            await command.ExecuteNonQueryAsync(cancellationToken);
        }
    }

    /// <summary>True the first time a native connection is seen (its <c>lower()</c> is then registered).</summary>
    private static bool NeedsPragmas(DbConnection connection)
    {
        if (connection is not SqliteConnection { Handle: { } handle } || !Configured.TryAdd(handle, handle))
        {
            return false;
        }

        var rc = raw.sqlite3_create_function(handle, "lower", 1, raw.SQLITE_UTF8 | raw.SQLITE_DETERMINISTIC, null, LowerInvariant);
        SqliteException.ThrowExceptionForRC(rc, handle);
        return true;
    }
}

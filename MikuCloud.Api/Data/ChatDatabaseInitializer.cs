using Microsoft.EntityFrameworkCore;

namespace MikuCloud.Api.Data;

/// <summary>
/// Runs before the API accepts requests: applies the provider's migrations (creating the database if needed),
/// turns on WAL for SQLite, then recovers — any message still <c>streaming</c> was being generated when the
/// previous process died, so it becomes <c>interrupted</c> (finish reason <c>error</c>) with its partial text kept.
/// </summary>
/// <remarks>
/// Recovery assumes one API process per database (the default topology). With several replicas sharing a
/// PostgreSQL database, a starting replica would also close streams another replica is still writing.
/// </remarks>
public sealed partial class ChatDatabaseInitializer(IServiceProvider services, TimeProvider time, ILogger<ChatDatabaseInitializer> logger) : IHostedService
{
    /// <summary>The <c>error.code</c> of a recovered message.</summary>
    public const string ServerRestartedCode = "server_restarted";

    /// <summary>The <c>error.message</c> of a recovered message.</summary>
    public const string ServerRestartedMessage = "The server restarted while this answer was being generated. Regenerate it to try again.";

    public async Task StartAsync(CancellationToken cancellationToken)
    {
        await using var scope = services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<ChatDbContext>();

        if (db.Database.IsSqlite())
        {
            // Persistent in the file; readers no longer block the writer (and vice versa).
            await db.Database.ExecuteSqlRawAsync("PRAGMA journal_mode = WAL;", cancellationToken);
        }

        var pending = (await db.Database.GetPendingMigrationsAsync(cancellationToken)).ToList();
        if (pending.Count > 0)
        {
            LogMigrating(logger, pending.Count, string.Join(", ", pending));
            await db.Database.MigrateAsync(cancellationToken);
        }

        var recovered = await RecoverAsync(db, Timestamps.Now(time), cancellationToken);
        if (recovered > 0)
        {
            LogRecovered(logger, recovered);
        }
        else
        {
            LogNothingToRecover(logger);
        }
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    /// <summary>Marks every <c>streaming</c> message <c>interrupted</c>; returns how many.</summary>
    public static Task<int> RecoverAsync(ChatDbContext db, DateTime now, CancellationToken cancellationToken) =>
        db.Messages.Where(m => m.Status == MessageStatus.Streaming).ExecuteUpdateAsync(s => s
            .SetProperty(m => m.Status, MessageStatus.Interrupted)
            .SetProperty(m => m.FinishReason, "error")
            .SetProperty(m => m.ErrorCode, ServerRestartedCode)
            .SetProperty(m => m.ErrorMessage, ServerRestartedMessage)
            .SetProperty(m => m.CompletedAt, now), cancellationToken);

    [LoggerMessage(Level = LogLevel.Information, Message = "Applying {Count} chat database migration(s): {Migrations}")]
    private static partial void LogMigrating(ILogger logger, int count, string migrations);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Recovered {Count} message(s) left streaming by a previous run: marked interrupted (the server restarted).")]
    private static partial void LogRecovered(ILogger logger, int count);

    [LoggerMessage(Level = LogLevel.Information, Message = "Recovered 0 messages: none was left streaming.")]
    private static partial void LogNothingToRecover(ILogger logger);
}

using Microsoft.EntityFrameworkCore;
using MikuCloud.Api.Usage;

namespace MikuCloud.Api.Data;

/// <summary>
/// Runs before the API accepts requests: applies the provider's migrations (creating the database if needed),
/// turns on WAL for SQLite, then recovers — any message still <c>streaming</c> was being generated when the
/// previous process died, so it becomes <c>interrupted</c> (finish reason <c>error</c>) with its partial text kept, and
/// its usage is recorded.
/// </summary>
/// <remarks>
/// SQLite belongs to one process, so everything left streaming is orphaned. PostgreSQL may be shared by several API
/// replicas: there only answers whose heartbeat is older than <c>Chat:AnswerStaleAfter</c> are recovered (their writer
/// saves text and heartbeat about every second), and <see cref="Turns.Live.StaleAnswerSweeper"/> repeats that on every replica.
/// </remarks>
public sealed partial class ChatDatabaseInitializer(IServiceProvider services, TimeProvider time,
    Microsoft.Extensions.Options.IOptions<Chat.ChatServerOptions> chat, ILogger<ChatDatabaseInitializer> logger) : IHostedService
{
    /// <summary>The <c>error.code</c> of a recovered message.</summary>
    public const string ServerRestartedCode = ProblemCodes.ServerRestarted;

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

        var now = Timestamps.Now(time);
        var recovered = await RecoverAsync(db, now, OrphanCutoff(db, now, chat.Value), [], cancellationToken);
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

    /// <summary>At startup, answers still streaming with a heartbeat before this are orphaned: all of them on SQLite, stale ones on PostgreSQL.</summary>
    public static DateTime OrphanCutoff(ChatDbContext db, DateTime now, Chat.ChatServerOptions chat) =>
        db.Database.IsSqlite() ? DateTime.MaxValue : StaleCutoff(now, chat);

    /// <summary>A streaming answer whose heartbeat (or creation, before its first) is before this has no writer left.</summary>
    public static DateTime StaleCutoff(DateTime now, Chat.ChatServerOptions chat)
    {
        ArgumentNullException.ThrowIfNull(chat);
        return now - chat.AnswerStaleAfter;
    }

    /// <summary>
    /// Marks <c>streaming</c> messages whose heartbeat (or creation) is before <paramref name="cutoff"/> <c>interrupted</c>,
    /// with the text they had, and records their usage (their writer died before it could); returns how many.
    /// <paramref name="liveHere"/> are this replica's own answers, never orphans whatever their last save says.
    /// </summary>
    public static async Task<int> RecoverAsync(ChatDbContext db, DateTime now, DateTime cutoff, IReadOnlyCollection<Guid> liveHere,
        CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(db);
        var orphans = db.Messages.Where(m => m.Status == MessageStatus.Streaming && (m.HeartbeatAt ?? m.CreatedAt) < cutoff);
        ArgumentNullException.ThrowIfNull(liveHere);
        if (liveHere.Count > 0)
        {
            orphans = orphans.Where(m => !liveHere.Contains(m.Id));
        }

        await RecordInterruptedUsageAsync(db, orphans, cancellationToken);
        return await orphans.ExecuteUpdateAsync(s => s
            .SetProperty(m => m.Status, MessageStatus.Interrupted)
            .SetProperty(m => m.FinishReason, "error")
            .SetProperty(m => m.ErrorCode, ServerRestartedCode)
            .SetProperty(m => m.ErrorMessage, ServerRestartedMessage)
            .SetProperty(m => m.CompletedAt, now), cancellationToken);
    }

    /// <summary>
    /// An interrupted answer is an answer the dashboard counts. Its door was not kept on the message: <c>chat</c>, as
    /// the usage backfill says of stored answers. Each shares its message's id, so it is recorded once even when two
    /// replicas sweep at the same moment (the loser's insert is refused and ignored).
    /// </summary>
    private static async Task RecordInterruptedUsageAsync(ChatDbContext db, IQueryable<Message> orphans, CancellationToken cancellationToken)
    {
        var usage = await orphans.Where(m => !db.AnswerUsage.Any(u => u.Id == m.Id)).AsNoTracking()
            .Select(m => new AnswerUsage
            {
                Id = m.Id, OwnerId = m.Conversation!.OwnerId, Door = "chat", PresetId = m.PresetId ?? "", Model = m.Model ?? "",
                Status = MessageStatus.Interrupted, InputTokens = m.InputTokens, OutputTokens = m.OutputTokens, TimeToFirstTokenMs = m.TimeToFirstTokenMs,
                TotalMs = m.TotalMs, CreatedAt = m.CreatedAt, MessageId = m.Id,
            })
            .ToListAsync(cancellationToken);
        if (usage.Count == 0)
        {
            return;
        }

        db.AnswerUsage.AddRange(usage);
        try
        {
            await db.SaveWithRollupAsync(usage, cancellationToken);
        }
        catch (DbUpdateException)
        {
            // Another replica recorded them first.
        }
        finally
        {
            db.ChangeTracker.Clear();
        }
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Applying {Count} chat database migration(s): {Migrations}")]
    private static partial void LogMigrating(ILogger logger, int count, string migrations);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Recovered {Count} message(s) left streaming by a previous run: marked interrupted (the server restarted).")]
    private static partial void LogRecovered(ILogger logger, int count);

    [LoggerMessage(Level = LogLevel.Information, Message = "Recovered 0 messages: none was left streaming.")]
    private static partial void LogNothingToRecover(ILogger logger);
}

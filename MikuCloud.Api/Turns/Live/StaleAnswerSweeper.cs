using Microsoft.Extensions.Options;
using MikuCloud.Api.Chat;
using MikuCloud.Api.Data;

namespace MikuCloud.Api.Turns.Live;

/// <summary>
/// On every replica, every <c>Chat:AnswerSweepInterval</c>: answers still <c>streaming</c> whose heartbeat is older than
/// <c>Chat:AnswerStaleAfter</c> lost their writer (a replica that crashed or was killed) and become <c>interrupted</c>
/// with the text last saved. Replaces the startup-only recovery on SQLite and the five-minute sweep on PostgreSQL.
/// </summary>
public sealed class StaleAnswerSweeper(IServiceScopeFactory scopes, LiveAnswers live, TimeProvider time, IOptions<ChatServerOptions> chat,
    ILogger<StaleAnswerSweeper> logger) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(chat.Value.AnswerSweepInterval, time);
        try
        {
            while (await timer.WaitForNextTickAsync(stoppingToken))
            {
                await SweepAsync(stoppingToken);
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
            // Stopping. Also after a refused start (the database unreachable): the host is then disposed without being
            // stopped, and a cancelled sweeper would be reported as a crashed service, stack trace and all.
        }
    }

    private async Task SweepAsync(CancellationToken stoppingToken)
    {
        try
        {
            await using var scope = scopes.CreateAsyncScope();
            var db = scope.ServiceProvider.GetRequiredService<ChatDbContext>();
            var now = Timestamps.Now(time);
            var mine = live.All.Select(a => a.Id).ToList();
            var recovered = await ChatDatabaseInitializer.RecoverAsync(db, now, ChatDatabaseInitializer.StaleCutoff(now, chat.Value), mine, stoppingToken);
            if (recovered > 0)
            {
                logger.LogWarning("Marked {Count} answer(s) interrupted: their writer stopped saving them (a replica that stopped mid-answer).", recovered);
            }
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            logger.LogWarning("Stale answer sweep failed (will retry): {Message}", ex.Message);
        }
    }
}

using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using MikuCloud.Api.Chat;
using MikuCloud.Api.Data;

namespace MikuCloud.Api.Turns.Live;

/// <summary>
/// Saves what the answers live on this replica have so far, every <c>Chat:AnswerCheckpointInterval</c> (~1 s): one
/// small UPDATE per answer (its text when it grew, and its heartbeat), never per token. A crash loses at most one
/// interval of text; the heartbeat tells every replica's <see cref="StaleAnswerSweeper"/> the writer is alive. When the
/// replica shuts down, the answers still live here are stopped and saved <c>interrupted</c> (they would otherwise hold the
/// shutdown until they finished), so a rolling update loses nothing already written.
/// </summary>
public sealed class LiveAnswerCheckpoints(IServiceScopeFactory scopes, LiveAnswers live, TimeProvider time, IOptions<ChatServerOptions> chat,
    ILogger<LiveAnswerCheckpoints> logger) : BackgroundService
{
    private readonly Dictionary<Guid, int> saved = [];

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(chat.Value.AnswerCheckpointInterval, time);
        try
        {
            while (await timer.WaitForNextTickAsync(stoppingToken))
            {
                await SaveAsync(stoppingToken);
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
            // Stopping: the answers' own ends save them (or the sweep of another start marks them interrupted).
        }
    }

    /// <inheritdoc />
    public override async Task StopAsync(CancellationToken cancellationToken)
    {
        var stopping = live.All.ToList();
        foreach (var answer in stopping)
        {
            answer.Stop();
        }

        if (stopping.Count > 0)
        {
            await Task.WhenAny(Task.WhenAll(stopping.Select(a => a.Ended)), Task.Delay(TimeSpan.FromSeconds(5), cancellationToken));
            try
            {
                await using var scope = scopes.CreateAsyncScope();
                var db = scope.ServiceProvider.GetRequiredService<ChatDbContext>();
                var ids = stopping.Select(a => a.Id).ToList();
                // Saved as stopped; the user did not stop them: the server did, as a crash would have.
                await db.Messages.Where(m => ids.Contains(m.Id) && m.Status == MessageStatus.Cancelled).ExecuteUpdateAsync(s => s
                    .SetProperty(m => m.Status, MessageStatus.Interrupted)
                    .SetProperty(m => m.FinishReason, "error")
                    .SetProperty(m => m.ErrorCode, ChatDatabaseInitializer.ServerRestartedCode)
                    .SetProperty(m => m.ErrorMessage, ChatDatabaseInitializer.ServerRestartedMessage), cancellationToken);
            }
            catch (OperationCanceledException)
            {
                // The host's time to stop ran out: the stale-answer sweep (this replica's next start, or another replica)
                // marks them interrupted instead; throwing here would fail the whole shutdown.
            }
            catch (Exception ex)
            {
                logger.LogWarning("Marking the answers stopped by the shutdown failed: {Message}", ex.Message);
            }
        }

        await base.StopAsync(cancellationToken);
    }

    /// <summary>One checkpoint of every live answer.</summary>
    public async Task SaveAsync(CancellationToken cancellationToken)
    {
        var answers = live.All.ToList();
        foreach (var gone in saved.Keys.Where(id => answers.All(a => a.Id != id)).ToList())
        {
            saved.Remove(gone);
        }

        if (answers.Count == 0)
        {
            return;
        }

        try
        {
            await using var scope = scopes.CreateAsyncScope();
            var db = scope.ServiceProvider.GetRequiredService<ChatDbContext>();
            var now = Timestamps.Now(time);
            var unchanged = new List<Guid>();
            foreach (var answer in answers)
            {
                var text = answer.Text();
                if (saved.TryGetValue(answer.Id, out var length) && length == text.Length)
                {
                    unchanged.Add(answer.Id);
                    continue;
                }

                // Only while streaming: the answer's final save (a different context) must never be overwritten.
                await db.Messages.Where(m => m.Id == answer.Id && m.Status == MessageStatus.Streaming)
                    .ExecuteUpdateAsync(s => s.SetProperty(m => m.Content, text).SetProperty(m => m.HeartbeatAt, now), cancellationToken);
                saved[answer.Id] = text.Length;
            }

            if (unchanged.Count > 0)
            {
                await db.Messages.Where(m => unchanged.Contains(m.Id) && m.Status == MessageStatus.Streaming)
                    .ExecuteUpdateAsync(s => s.SetProperty(m => m.HeartbeatAt, now), cancellationToken);
            }
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            logger.LogWarning("Saving the answers in progress failed (will retry): {Message}", ex.Message);
        }
    }
}

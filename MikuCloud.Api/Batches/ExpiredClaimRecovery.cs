namespace MikuCloud.Api.Batches;

/// <summary>
/// Puts claims whose lease expired (their worker died) back in a queue: at start, then every quarter lease, so a dead
/// replica's work is taken over within about 1¼ leases. On a timer of its own rather than before each claim: the claim
/// path stays one statement, and an expired claim is rare. Batch items and knowledge ingestion each have one.
/// </summary>
public abstract partial class ExpiredClaimRecovery(IServiceScopeFactory scopes, TimeSpan lease, TimeProvider time, ILogger logger) : BackgroundService
{
    /// <summary>What is claimed, for the log ("batch", "knowledge ingestion").</summary>
    protected abstract string Kind { get; }

    /// <summary>Puts the expired claims back; returns how many.</summary>
    protected abstract Task<int> RecoverExpiredAsync(IServiceProvider services, CancellationToken cancellationToken);

    /// <summary>Wakes an idle worker, so the recovered work is taken at once.</summary>
    protected abstract void Pulse();

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(lease / 4, time);
        do
        {
            try
            {
                await using var scope = scopes.CreateAsyncScope();
                if (await RecoverExpiredAsync(scope.ServiceProvider, stoppingToken) > 0)
                {
                    Pulse();
                }
            }
            catch (Exception ex) when (ex is not OperationCanceledException)
            {
                LogRecoveryFailed(logger, ex, Kind);
            }
        }
        while (await WaitAsync(timer, stoppingToken));
    }

    private static async Task<bool> WaitAsync(PeriodicTimer timer, CancellationToken stoppingToken)
    {
        try
        {
            return await timer.WaitForNextTickAsync(stoppingToken);
        }
        catch (OperationCanceledException)
        {
            return false;
        }
    }

    [LoggerMessage(LogLevel.Warning, "Expired {Kind} claims could not be put back; trying again at the next tick.")]
    private static partial void LogRecoveryFailed(ILogger logger, Exception ex, string kind);
}

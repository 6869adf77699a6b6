using Microsoft.Extensions.Options;

namespace MikuCloud.Api.Batches;

/// <summary>
/// Puts claims whose lease expired (their worker died) back in the queue: at start, then every quarter lease, so a
/// dead replica's items are taken over within about 1¼ leases. On a timer of its own rather than before each claim:
/// the claim path stays one statement, and an expired claim is rare.
/// </summary>
public sealed partial class BatchClaimRecovery(IServiceScopeFactory scopes, BatchSignals signals, IOptions<BatchOptions> options, TimeProvider time,
    ILogger<BatchClaimRecovery> logger) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(options.Value.ClaimLease / 4, time);
        do
        {
            try
            {
                await using var scope = scopes.CreateAsyncScope();
                if (await scope.ServiceProvider.GetRequiredService<BatchQueue>().RecoverExpiredAsync(stoppingToken) > 0)
                {
                    signals.Pulse(); // an idle worker takes them at once
                }
            }
            catch (Exception ex) when (ex is not OperationCanceledException)
            {
                LogRecoveryFailed(ex);
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

    [LoggerMessage(LogLevel.Warning, "Expired batch claims could not be put back; trying again at the next tick.")]
    private partial void LogRecoveryFailed(Exception ex);
}

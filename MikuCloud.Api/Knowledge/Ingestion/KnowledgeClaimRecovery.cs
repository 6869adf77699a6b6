using Microsoft.Extensions.Options;

namespace MikuCloud.Api.Knowledge;

/// <summary>
/// Puts ingestion claims whose lease expired (their worker died) back in the queue: at start, then every quarter lease,
/// so a dead replica's documents are taken over within about 1¼ leases and resume after their last saved page.
/// </summary>
public sealed partial class KnowledgeClaimRecovery(IServiceScopeFactory scopes, KnowledgeSignals signals, IOptions<KnowledgeOptions> options, TimeProvider time,
    ILogger<KnowledgeClaimRecovery> logger) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(options.Value.ClaimLease / 4, time);
        do
        {
            try
            {
                await using var scope = scopes.CreateAsyncScope();
                if (await scope.ServiceProvider.GetRequiredService<KnowledgeIngestionQueue>().RecoverExpiredAsync(stoppingToken) > 0)
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

    [LoggerMessage(LogLevel.Warning, "Expired knowledge ingestion claims could not be put back; trying again at the next tick.")]
    private partial void LogRecoveryFailed(Exception ex);
}

using Microsoft.Extensions.Options;

namespace MikuCloud.Api.ScaleOut;

/// <summary>Renews this process's slot leases and refreshes the replicas' counts every <see cref="ScaleOutOptions.RenewEvery"/>.</summary>
public sealed partial class RedisSlotKeeper(RedisSlotStore store, IOptions<ScaleOutOptions> options, ILogger<RedisSlotKeeper> logger) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(options.Value.RenewEvery);
        while (await timer.WaitForNextTickAsync(stoppingToken))
        {
            try
            {
                await store.RenewAsync();
            }
            catch (Exception ex) when (SharedStateUnavailableHandler.IsOutage(ex))
            {
                // Redis unreachable: leases run toward expiry; a renewal that gets through in time keeps them. Anything
                // else (a script Redis refuses) is a defect and stops the host loudly: caught here it once hid that no
                // lease was ever renewed.
                LogRenewFailed(ex.Message);
            }
        }
    }

    [LoggerMessage(LogLevel.Warning, "Slot leases could not be renewed in Redis: {Message}")]
    private partial void LogRenewFailed(string message);
}

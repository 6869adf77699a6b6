using Microsoft.Extensions.Options;

namespace MikuCloud.Api.Batches;

/// <summary>Puts batch items whose worker died back in the queue (<see cref="ExpiredClaimRecovery"/>).</summary>
public sealed class BatchClaimRecovery(IServiceScopeFactory scopes, BatchSignals signals, IOptions<BatchOptions> options, TimeProvider time,
    ILogger<BatchClaimRecovery> logger) : ExpiredClaimRecovery(scopes, options.Value.ClaimLease, time, logger)
{
    protected override string Kind => "batch";

    protected override Task<int> RecoverExpiredAsync(IServiceProvider services, CancellationToken cancellationToken) =>
        services.GetRequiredService<BatchQueue>().RecoverExpiredAsync(cancellationToken);

    protected override void Pulse() => signals.Pulse();
}

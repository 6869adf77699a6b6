using Microsoft.Extensions.Options;
using MikuCloud.Api.Batches;

namespace MikuCloud.Api.Knowledge;

/// <summary>
/// Puts documents whose ingestion worker died back in the queue (<see cref="ExpiredClaimRecovery"/>): they resume after
/// their last saved page.
/// </summary>
public sealed class KnowledgeClaimRecovery(IServiceScopeFactory scopes, KnowledgeSignals signals, IOptions<KnowledgeOptions> options, TimeProvider time,
    ILogger<KnowledgeClaimRecovery> logger) : ExpiredClaimRecovery(scopes, options.Value.ClaimLease, time, logger)
{
    protected override string Kind => "knowledge ingestion";

    protected override Task<int> RecoverExpiredAsync(IServiceProvider services, CancellationToken cancellationToken) =>
        services.GetRequiredService<KnowledgeIngestionQueue>().RecoverExpiredAsync(cancellationToken);

    protected override void Pulse() => signals.Pulse();
}

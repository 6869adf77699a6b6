using System.Collections.Concurrent;
using Microsoft.Extensions.Options;
using MikuCloud.Api.Ollama.Routing;

namespace MikuCloud.Api.Ollama;

/// <summary>
/// Turns health reports (the poll's, and a turn's refused connection) into the router's view: a replica is failed after
/// <see cref="OllamaReplicaOptions.FailuresBeforeUnhealthy"/> failures in a row, healthy again after one success.
/// </summary>
/// <remarks>
/// Only configured replicas are watched. The one endpoint of the connection string is never marked failed: nothing
/// polls it back, and with no other replica a turn is better off trying it (and failing as it always did).
/// </remarks>
public sealed class ReplicaHealth(ReplicaRouter router, IOptions<OllamaReplicaOptions> options, ILogger<ReplicaHealth> logger)
{
    private readonly ConcurrentDictionary<Uri, int> failures = new();

    /// <summary>Whether replicas are watched (configured) rather than the one endpoint.</summary>
    public bool Watched => options.Value.Configured;

    /// <summary>The replica answered.</summary>
    public void Succeeded(Uri replica)
    {
        failures.TryRemove(replica, out _);
        if (router.MarkHealthy(replica))
        {
            logger.LogInformation("Ollama replica {Replica} answers again: it gets new turns.", replica);
        }
    }

    /// <summary>The replica did not answer (<paramref name="reason"/>: what happened, never content).</summary>
    public void Failed(Uri replica, string reason)
    {
        if (!Watched)
        {
            return;
        }

        var inARow = failures.AddOrUpdate(replica, 1, (_, n) => n + 1);
        if (inARow >= Math.Max(1, options.Value.FailuresBeforeUnhealthy) && router.MarkFailed(replica))
        {
            logger.LogWarning("Ollama replica {Replica} failed {Failures} times in a row ({Reason}): no new turns until it answers again.", replica, inARow, reason);
        }
    }
}

using MikuCloud.Api.Ollama;
using MikuCloud.Api.Ollama.Routing;

namespace MikuCloud.Api.Turns;

/// <summary>
/// Opens a turn's answer on the Ollama replica the <see cref="ReplicaRouter"/> chooses, holding the replica's slot in the
/// turn's lease; a replica that refuses before anything streamed (unreachable, busy, failing, missing the model) gets
/// one retry on another. Never after the first token: the user has already read it.
/// </summary>
public sealed class TurnRouting(ReplicaRouter router, ReplicaHealth health, ReplicaTelemetry telemetry, ILogger<TurnRouting> logger)
{
    /// <summary>
    /// <see cref="AnswerStream.OpenAsync"/> on the routed replica (at most twice); throws the last refusal as it came,
    /// or an <see cref="HttpRequestException"/> (unreachable) when no replica is healthy.
    /// </summary>
    public async Task<bool?> OpenAsync(AnswerStream stream, AnswerCall call, TurnLease lease, CancellationToken turnToken)
    {
        ArgumentNullException.ThrowIfNull(stream);
        ArgumentNullException.ThrowIfNull(call);
        ArgumentNullException.ThrowIfNull(lease);
        var routed = await router.TryRouteAsync(call.AffinityKey, cancellationToken: turnToken)
            ?? throw new HttpRequestException("No Ollama replica is healthy.");
        var retried = false;
        while (true)
        {
            lease.HoldReplica(routed);
            telemetry.Routed(routed);
            try
            {
                return await stream.OpenAsync(call.Messages, call.Options, routed.Replica, turnToken);
            }
            catch (Exception ex) when (!retried && !turnToken.IsCancellationRequested && OllamaFailures.IsOllamaFailure(ex))
            {
                var error = OllamaFailures.Describe(ex, stream.Watch, null);
                if (error.Code == ProblemCodes.OllamaUnreachable)
                {
                    health.Failed(routed.Replica, "a turn's connection failed");
                }

                // A bad request fails on every replica alike.
                var next = error.Code == ProblemCodes.InvalidRequest ? null
                    : await router.TryRouteAsync(call.AffinityKey, new HashSet<Uri> { routed.Replica }, turnToken);
                if (next is null)
                {
                    throw;
                }

                logger.LogWarning("Ollama replica {Replica} refused a turn before it streamed ({Code}); retrying on {Next}.",
                    ReplicaTelemetry.NameOf(routed.Replica), error.Code, ReplicaTelemetry.NameOf(next.Replica));
                telemetry.Retried(routed.Replica, error.Code);
                (routed, retried) = (next, true);
            }
        }
    }
}

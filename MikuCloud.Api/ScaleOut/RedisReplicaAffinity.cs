using Microsoft.Extensions.Options;
using MikuCloud.Api.Ollama.Routing;
using StackExchange.Redis;

namespace MikuCloud.Api.ScaleOut;

/// <summary>
/// Conversations' replicas in Redis, so a conversation's turns find its cache whichever API process they reach. A miss
/// costs a prefill, never a turn: when Redis does not answer, the router uses its own map.
/// </summary>
public sealed partial class RedisReplicaAffinity(IConnectionMultiplexer redis, IOptions<ScaleOutOptions> options, ILogger<RedisReplicaAffinity> logger) : IReplicaAffinity
{
    /// <inheritdoc />
    public async ValueTask<Uri?> FindAsync(string key, CancellationToken cancellationToken = default)
    {
        try
        {
            var value = await redis.GetDatabase().StringGetAsync(Key(key));
            return value.HasValue && Uri.TryCreate(value.ToString(), UriKind.Absolute, out var replica) ? replica : null;
        }
        catch (Exception ex) when (SharedStateUnavailableHandler.IsOutage(ex))
        {
            LogUnavailable(ex.Message);
            return null;
        }
    }

    /// <inheritdoc />
    public void Remember(string key, Uri replica)
    {
        try
        {
            redis.GetDatabase().StringSet(Key(key), replica.ToString(), TimeSpan.FromHours(options.Value.AffinityHours), flags: CommandFlags.FireAndForget);
        }
        catch (Exception ex) when (SharedStateUnavailableHandler.IsOutage(ex))
        {
            LogUnavailable(ex.Message);
        }
    }

    private RedisKey Key(string key) => options.Value.KeyPrefix + "affinity:" + key;

    [LoggerMessage(LogLevel.Debug, "The shared affinity map did not answer: {Message}")]
    private partial void LogUnavailable(string message);
}

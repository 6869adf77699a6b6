using Microsoft.Extensions.Options;
using MikuCloud.Api.Limits;
using StackExchange.Redis;

namespace MikuCloud.Api.ScaleOut;

/// <summary>
/// Usage windows in Redis, shared by every API process: a user's requests, tokens and failed sign-ins count the same
/// wherever they arrive. The window slides in twelfths (5 s for a minute), as the in-process request limiter always did.
/// </summary>
public sealed class RedisUsageWindows(IConnectionMultiplexer redis, IOptions<ScaleOutOptions> options) : IUsageWindows
{
    private const int Segments = 12;

    /// <inheritdoc />
    public ValueTask<TimeSpan?> TryAddAsync(string key, long weight, long limit, TimeSpan window, CancellationToken cancellationToken = default) =>
        RunAsync("try", key, weight, limit, window);

    /// <inheritdoc />
    public ValueTask<TimeSpan?> WaitAsync(string key, long limit, TimeSpan window, CancellationToken cancellationToken = default) =>
        RunAsync("wait", key, 0, limit, window);

    /// <inheritdoc />
    public async ValueTask AddAsync(string key, long weight, TimeSpan window, CancellationToken cancellationToken = default) =>
        await RunAsync("add", key, weight, long.MaxValue, window);

    /// <inheritdoc />
    public async ValueTask ClearAsync(string key, CancellationToken cancellationToken = default) =>
        await redis.GetDatabase().KeyDeleteAsync(Key(key));

    private async ValueTask<TimeSpan?> RunAsync(string mode, string key, long weight, long limit, TimeSpan window)
    {
        // StackExchange.Redis has no per-call cancellation: its own timeouts bound the wait (a second by default).
        var result = await redis.GetDatabase().ScriptEvaluateAsync(RedisScripts.Window, [Key(key)],
            [mode, weight, limit, (long)window.TotalMilliseconds, Segments]);
        var milliseconds = (long)result;
        return milliseconds < 0 ? null : TimeSpan.FromMilliseconds(Math.Max(1, milliseconds));
    }

    private RedisKey Key(string key) => options.Value.KeyPrefix + "window:" + key;
}

using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using MikuCloud.Api.Ollama.Routing;
using MikuCloud.Api.ScaleOut;
using StackExchange.Redis;

namespace MikuCloud.Bench.Routing;

/// <summary>
/// One API process's router in scale-out, wired as <c>ScaleOutSetup</c> and <c>AddOllamaReplicas</c> wire it with
/// <c>ConnectionStrings:redis</c> set: its own connection multiplexer, slots as leases (<see cref="RedisReplicaSlots"/>
/// over a <see cref="RedisSlotStore"/>), the shared affinity map (<see cref="RedisReplicaAffinity"/>). Without the
/// Redis spans Aspire's client adds when tracing is on.
/// </summary>
public sealed class ScaleOutProcess : IAsyncDisposable
{
    private readonly ConnectionMultiplexer redis;

    private ScaleOutProcess(ConnectionMultiplexer redis, RedisSlotStore slots, ReplicaRouter router) => (this.redis, Slots, Router) = (redis, slots, router);

    /// <summary>The slot store: what <see cref="RedisSlotKeeper"/> renews every second.</summary>
    public RedisSlotStore Slots { get; }

    public ReplicaRouter Router { get; }

    public static async Task<ScaleOutProcess> ConnectAsync(string connectionString, ScaleOutOptions settings, int replicas, int slots)
    {
        var redis = await ConnectionMultiplexer.ConnectAsync(connectionString);
        var options = Options.Create(settings);
        var store = new RedisSlotStore(redis, options);
        var router = ReplicaRouterPolicy.NewRouter(replicas, slots, new RedisReplicaSlots(store),
            sharedAffinity: new RedisReplicaAffinity(redis, options, NullLogger<RedisReplicaAffinity>.Instance));
        return new ScaleOutProcess(redis, store, router);
    }

    /// <summary>Waits until Redis has run every command this process sent, fire-and-forget ones included (one connection, in order).</summary>
    public Task SettleAsync() => redis.GetDatabase().PingAsync();

    public ValueTask DisposeAsync() => redis.DisposeAsync();
}

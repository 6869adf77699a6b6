using MikuCloud.Api.Limits;
using MikuCloud.Api.Ollama.Routing;

namespace MikuCloud.Api.ScaleOut;

/// <summary>
/// Scale-out: with <c>ConnectionStrings:redis</c> set, the state several API processes must agree on lives in Redis —
/// the per-user request, token and stream limits and the sign-in throttle (exact across processes), the replicas'
/// generation slots (leases that expire with a dead process) and the conversations' replicas. Without it everything
/// stays in this process, as a single API always had it.
/// </summary>
public static class ScaleOutSetup
{
    /// <summary>Registers the shared stores when Redis is configured; call before the limits and the router are added.</summary>
    public static IHostApplicationBuilder AddScaleOut(this IHostApplicationBuilder builder)
    {
        ArgumentNullException.ThrowIfNull(builder);
        if (string.IsNullOrWhiteSpace(builder.Configuration.GetConnectionString(ScaleOutOptions.ConnectionName)))
        {
            return builder;
        }

        // Aspire's client: the connection multiplexer, a health check on /health and Redis spans in the traces.
        builder.AddRedisClient(ScaleOutOptions.ConnectionName);
        var services = builder.Services;
        services.AddOptions<ScaleOutOptions>().BindConfiguration(ScaleOutOptions.SectionName);
        services.AddExceptionHandler<SharedStateUnavailableHandler>();
        services.AddSingleton<IUsageWindows, RedisUsageWindows>();
        services.AddSingleton<RedisSlotStore>();
        services.AddSingleton<ISlotStore>(sp => sp.GetRequiredService<RedisSlotStore>());
        services.AddHostedService<RedisSlotKeeper>();
        services.AddSingleton<IReplicaSlots, RedisReplicaSlots>();
        services.AddSingleton<IReplicaAffinity, RedisReplicaAffinity>();
        return builder;
    }
}

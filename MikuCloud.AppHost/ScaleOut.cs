namespace MikuCloud.AppHost;

/// <summary>Several API processes and the Redis they share their limits, slot leases and routing through.</summary>
/// <param name="Replicas">API processes to run.</param>
/// <param name="Redis">What the API references as <c>ConnectionStrings:redis</c>.</param>
/// <param name="Server">The Redis container when the AppHost runs one (the API waits for it).</param>
public sealed record ScaleOut(int Replicas, IResourceBuilder<IResourceWithConnectionString> Redis, IResourceBuilder<RedisResource>? Server = null);

/// <summary>Scale-out in the AppHost (<c>Api:Replicas</c> above 1).</summary>
public static class ScaleOutExtensions
{
    /// <summary>The connection name the API reads (<c>ConnectionStrings:redis</c>).</summary>
    public const string RedisName = "redis";

    /// <summary>The AppHost setting: how many API processes to run. Default 1 (no Redis).</summary>
    public const string ReplicasKey = "Api:Replicas";

    /// <summary>
    /// <c>Api:Replicas</c> &gt; 1: a Redis container (Aspire's pinned image) — or, when <c>ConnectionStrings:redis</c>
    /// is set, that server — for the API processes to share. Null for one API process, which keeps everything in memory.
    /// </summary>
    public static ScaleOut? AddScaleOut(this IDistributedApplicationBuilder builder)
    {
        ArgumentNullException.ThrowIfNull(builder);
        var setting = builder.Configuration[ReplicasKey];
        var replicas = 1;
        if (!string.IsNullOrWhiteSpace(setting) && (!int.TryParse(setting, out replicas) || replicas is < 1 or > 64))
        {
            throw new InvalidOperationException($"{ReplicasKey}='{setting}' is not valid. Use a whole number from 1 to 64.");
        }

        if (replicas == 1)
        {
            return null;
        }

        if (!string.IsNullOrWhiteSpace(builder.Configuration[$"ConnectionStrings:{RedisName}"]))
        {
            return new ScaleOut(replicas, builder.AddConnectionString(RedisName));
        }

        // No data volume: Redis holds only limits, leases and affinity, all of which rebuild themselves.
        var server = builder.AddRedis(RedisName);
        return new ScaleOut(replicas, server, server);
    }

    /// <summary>Runs <see cref="ScaleOut.Replicas"/> API processes on the shared Redis; nothing when <paramref name="scaleOut"/> is null.</summary>
    public static IResourceBuilder<ProjectResource> WithScaleOut(this IResourceBuilder<ProjectResource> api, ScaleOut? scaleOut)
    {
        ArgumentNullException.ThrowIfNull(api);
        if (scaleOut is null)
        {
            return api;
        }

        api.WithReference(scaleOut.Redis).WithReplicas(scaleOut.Replicas);
        if (scaleOut.Server is not null)
        {
            api.WaitFor(scaleOut.Server);
        }

        return api;
    }
}

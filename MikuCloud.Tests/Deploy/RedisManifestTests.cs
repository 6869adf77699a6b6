using System.Globalization;
using System.Text.RegularExpressions;
using k8s.Models;

namespace MikuCloud.Tests.Deploy;

/// <summary>
/// Redis for the scaled-out API (issue 20): the cluster overlay runs one in the namespace (components/redis-in-cluster)
/// or, switched as its comment says, points the API at a managed one (components/redis-external); no other overlay has it.
/// </summary>
public partial class RedisManifestTests
{
    /// <summary>The cluster overlay with components/redis-external in place of redis-in-cluster, as its comment tells an operator.</summary>
    public static Rendered ClusterWithManagedRedis() =>
        Kustomize.RenderVariant("cluster", "managed Redis", kustomization =>
        {
            const string InCluster = "  - ../../components/redis-in-cluster\n";
            Assert.Contains(InCluster, kustomization, StringComparison.Ordinal);
            return kustomization.Replace(InCluster, "  - ../../components/redis-external\n", StringComparison.Ordinal);
        });

    [Theory]
    [MemberData(nameof(Kustomize.OverlayNames), MemberType = typeof(Kustomize))]
    public void Only_scaled_out_overlays_run_Redis_and_give_the_API_a_connection_to_it(string overlay)
    {
        var rendered = Kustomize.Render(overlay);
        var env = ContainerEnv.Of(rendered, rendered.Workload("api").Container("api"));
        var scaledOut = ReplicaRoutingManifestTests.ScaledOutOverlays.Contains(overlay);

        Assert.Equal(scaledOut, env.ContainsKey("ConnectionStrings__redis"));
        Assert.Equal(scaledOut, rendered.Workloads.Any(w => w.Name == "redis"));
        Assert.Equal(scaledOut, rendered.Find<V1Service>("redis") is not null);
        Assert.Equal(scaledOut, rendered.All<V1NetworkPolicy>().Any(p => p.Metadata.Name.Contains("redis", StringComparison.Ordinal)));
        Assert.Equal(scaledOut, env.ContainsKey("REDIS_PASSWORD"));
    }

    [Fact]
    public void The_cluster_overlay_runs_one_pinned_Redis_7_without_a_disk_and_evicts_before_the_kubelet_kills_it()
    {
        var rendered = Kustomize.Render("cluster");
        var deployment = rendered.One<V1Deployment>("redis");
        var redis = rendered.Workload("redis");
        var server = redis.Container("redis");
        var args = server.Args.ToList();

        // One server: API pods split between two would each count half of every limit and every replica's slots.
        Assert.Equal(1, deployment.Spec.Replicas);
        Assert.Equal("Recreate", deployment.Spec.Strategy.Type);
        Assert.Matches(PinnedRedis7(), server.Image);
        // Nothing to keep: no snapshots, no append-only file, no volume claim.
        Assert.Equal("", args[args.IndexOf("--save") + 1]);
        Assert.Equal("no", args[args.IndexOf("--appendonly") + 1]);
        Assert.All(redis.Pod.Volumes, v => Assert.NotNull(v.EmptyDir));
        // maxmemory (Redis's mb = MiB) below the memory limit, so Redis evicts instead of losing everything to an OOM kill.
        var maxMemory = Bytes(args[args.IndexOf("--maxmemory") + 1]);
        Assert.True(maxMemory <= server.Resources.Limits["memory"].ToDecimal() / 2, $"maxmemory {maxMemory} B leaves no room under {server.Resources.Limits["memory"]}");
        Assert.Equal("allkeys-lru", args[args.IndexOf("--maxmemory-policy") + 1]);

        var port = Assert.Single(server.Ports);
        Assert.Equal(6379, port.ContainerPort);
        var service = rendered.One<V1Service>("redis");
        Assert.Equal(6379, Assert.Single(service.Spec.Ports).Port);
        Assert.Single(rendered.Workloads, w => Selectors.Matches(service.Spec.Selector, w.Labels));
    }

    [Fact]
    public void Redis_probes_count_only_an_authenticated_PONG()
    {
        var server = Kustomize.Render("cluster").Workload("redis").Container("redis");

        foreach (var probe in new[] { server.ReadinessProbe, server.LivenessProbe })
        {
            var command = string.Join(' ', probe.Exec.Command);
            // redis-cli exits 0 on NOAUTH or LOADING: the exit code alone would call a server with the wrong password ready.
            Assert.Contains("redis-cli ping", command, StringComparison.Ordinal);
            Assert.Contains("grep -qx PONG", command, StringComparison.Ordinal);
        }

        // redis-cli authenticates with REDISCLI_AUTH: the same Secret as the server's password, on no command line.
        Assert.Equal(("mikucloud-redis", "password"), SecretOf(server, "REDISCLI_AUTH"));
        Assert.True(server.ReadinessProbe.PeriodSeconds * server.ReadinessProbe.FailureThreshold < server.LivenessProbe.PeriodSeconds * server.LivenessProbe.FailureThreshold,
            "out of the Service well before a restart");
    }

    [Fact]
    public void The_password_comes_from_the_operator_secret_and_the_manifests_hold_no_secret_value()
    {
        var rendered = Kustomize.Render("cluster");
        var server = rendered.Workload("redis").Container("redis");
        var api = rendered.Workload("api").Container("api");

        var args = server.Args.ToList();
        Assert.Equal("$(REDIS_PASSWORD)", args[args.IndexOf("--requirepass") + 1]);
        Assert.Equal(("mikucloud-redis", "password"), SecretOf(server, "REDIS_PASSWORD"));
        Assert.Equal(("mikucloud-redis", "password"), SecretOf(api, "REDIS_PASSWORD"));
        Assert.Empty(rendered.All<V1Secret>());
        // Every password= in the rendered manifests is a $(VAR) the kubelet fills in from a Secret.
        Assert.DoesNotMatch(LiteralPassword(), rendered.Yaml);

        // The API's connection: the redis Service's port, the password from the Secret, retrying until Redis is up.
        var connection = ContainerEnv.Of(rendered, api)["ConnectionStrings__redis"]!.Split(',');
        var endpoint = connection[0].Split(':');
        Assert.Equal(rendered.One<V1Service>(endpoint[0]).Spec.Ports.Single().Port, int.Parse(endpoint[1], CultureInfo.InvariantCulture));
        Assert.Contains($"password={ContainerEnv.SecretValue}", connection);
        Assert.Contains("abortConnect=false", connection);
        Assert.Contains("REDIS_PASSWORD", ContainerEnv.References(api));
    }

    [Fact]
    public void A_managed_Redis_takes_the_whole_connection_string_from_a_secret_and_runs_nothing_in_the_namespace()
    {
        var rendered = ClusterWithManagedRedis();
        var api = rendered.Workload("api").Container("api");

        Assert.Equal(("mikucloud-redis-external", "connectionString"), SecretOf(api, "ConnectionStrings__redis"));
        Assert.DoesNotContain(rendered.Workloads, w => w.Name == "redis");
        Assert.Null(rendered.Find<V1Service>("redis"));
        Assert.DoesNotContain(api.Env, e => e.Name == "REDIS_PASSWORD");
        Assert.Contains(ManifestTests.OperatorSecrets, s => s == "mikucloud-redis-external");
        // The routing is the overlay's, whatever the Redis.
        Assert.Contains(api.Env, e => e.Name == "Ollama__ReplicasDns");
    }

    private static (string Name, string Key) SecretOf(V1Container container, string variable)
    {
        var reference = container.Env.Single(e => e.Name == variable).ValueFrom?.SecretKeyRef;
        Assert.True(reference is not null, $"{container.Name}: {variable} is not from a Secret");
        return (reference.Name, reference.Key);
    }

    private static decimal Bytes(string redisSize)
    {
        var match = Regex.Match(redisSize, "^([0-9]+)(kb|mb|gb)$", RegexOptions.IgnoreCase);
        Assert.True(match.Success, $"maxmemory '{redisSize}'");
        var unit = match.Groups[2].Value.ToLowerInvariant() switch { "kb" => 1024m, "mb" => 1024m * 1024, _ => 1024m * 1024 * 1024 };
        return decimal.Parse(match.Groups[1].Value, CultureInfo.InvariantCulture) * unit;
    }

    [GeneratedRegex(@"^docker\.io/library/redis:7\.[0-9]+\.[0-9]+$")]
    private static partial Regex PinnedRedis7();

    [GeneratedRegex(@"(?i)password=(?!\$\()")]
    private static partial Regex LiteralPassword();
}

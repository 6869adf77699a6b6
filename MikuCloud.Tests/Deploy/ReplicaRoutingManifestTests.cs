using System.Globalization;
using k8s.Models;
using MikuCloud.Api.Ollama;
using MikuCloud.AppHost.Ollama;

namespace MikuCloud.Tests.Deploy;

/// <summary>
/// Where there are several Ollama replicas (the cluster overlay), the API routes each turn to one itself: it resolves a
/// headless Service of the ready replicas, counts each one's slots as Ollama runs them, and no Service pins clients by
/// address. Everywhere else the API keeps the one endpoint of its connection string.
/// </summary>
public class ReplicaRoutingManifestTests
{
    /// <summary>Overlays whose API routes over several Ollama replicas and shares limits, leases and affinity in Redis.</summary>
    public static readonly string[] ScaledOutOverlays = ["cluster"];

    [Fact]
    public void The_cluster_overlay_routes_turns_over_a_headless_service_of_the_ready_replicas()
    {
        var rendered = Kustomize.Render("cluster");
        var env = ContainerEnv.Of(rendered, rendered.Workload("api").Container("api"));
        // The API's own reading of the setting (it refuses to start on one it cannot parse).
        var name = ReplicaDnsName.Parse(env["Ollama__ReplicasDns"]!);

        // A Service of this namespace: its bare name (the pod's DNS search path) or qualified with the namespace.
        var labels = name.Host.Split('.');
        Assert.True(labels.Length == 1 || labels[1] == "mikucloud", $"{name.Host} is not a name in namespace mikucloud");
        var service = rendered.One<V1Service>(labels[0]);
        Assert.Equal("None", service.Spec.ClusterIP);
        // Not-ready addresses would give turns to a replica still downloading or loading its model: the API's health
        // poll asks /api/version and /api/ps, which such a replica answers.
        Assert.NotEqual(true, service.Spec.PublishNotReadyAddresses);
        var selected = Assert.Single(rendered.Workloads, w => Selectors.Matches(service.Spec.Selector, w.Labels));
        Assert.Equal("ollama", selected.Name);
        Assert.Equal("http", name.Scheme);
        Assert.Equal(OllamaContainerImageTags.Port, name.Port);
        Assert.Equal(name.Port, Assert.Single(selected.Container("ollama").Ports).ContainerPort);
        Assert.DoesNotContain(env.Keys, k => k.StartsWith("Ollama__Replicas__", StringComparison.Ordinal));
    }

    [Fact]
    public void Each_replica_counts_the_slots_its_Ollama_runs_and_each_API_pod_may_fill_the_whole_cluster()
    {
        var rendered = Kustomize.Render("cluster");
        var container = rendered.Workload("api").Container("api");
        var env = ContainerEnv.Of(rendered, container);
        var ollama = rendered.Workload("ollama");
        var server = ContainerEnv.Of(rendered, ollama.Container("ollama"));

        // The ConfigMap the Ollama pods read, not a copy of its value.
        var slots = container.Env.Single(e => e.Name == "Ollama__ReplicaSlots").ValueFrom.ConfigMapKeyRef;
        Assert.Equal("OLLAMA_NUM_PARALLEL", slots.Key);
        Assert.Contains(ollama.Container("ollama").EnvFrom, s => s.ConfigMapRef?.Name == slots.Name);
        var perReplica = int.Parse(server["OLLAMA_NUM_PARALLEL"]!, CultureInfo.InvariantCulture);
        Assert.Equal(perReplica, int.Parse(env["Ollama__ReplicaSlots"]!, CultureInfo.InvariantCulture));

        // Per-pod admission is not the cluster's limit (the shared leases are): a pod may start as many turns as the
        // replicas have slots, so a busy API pod never refuses while GPUs behind the others idle.
        Assert.Equal(ollama.Replicas!.Value * perReplica, int.Parse(env["Chat__MaxConcurrentGenerations"]!, CultureInfo.InvariantCulture));
    }

    [Theory]
    [MemberData(nameof(Kustomize.OverlayNames), MemberType = typeof(Kustomize))]
    public void No_Ollama_service_pins_clients_by_address(string overlay)
    {
        var rendered = Kustomize.Render(overlay);
        var ollama = rendered.Workload("ollama");

        // ClientIP pinned API pods, not conversations (BENCHMARKS.md, item 12: 3.74 × the mean load on the busiest replica).
        foreach (var service in rendered.All<V1Service>().Where(s => Selectors.Matches(s.Spec.Selector, ollama.Labels)))
        {
            Assert.True(service.Spec.SessionAffinity is null or "None", $"{overlay}: Service {service.Metadata.Name} has {service.Spec.SessionAffinity} affinity");
        }
    }

    [Theory]
    [MemberData(nameof(Kustomize.OverlayNames), MemberType = typeof(Kustomize))]
    public void Overlays_with_one_Ollama_keep_the_connection_string_endpoint(string overlay)
    {
        var rendered = Kustomize.Render(overlay);
        var env = ContainerEnv.Of(rendered, rendered.Workload("api").Container("api"));
        if (ScaledOutOverlays.Contains(overlay))
        {
            Assert.True(rendered.Workload("ollama").Replicas > 1, $"{overlay} routes over a single replica");
            return;
        }

        Assert.Equal(1, rendered.Workload("ollama").Replicas);
        Assert.DoesNotContain(env.Keys, k => k.StartsWith("Ollama__", StringComparison.Ordinal));
        Assert.DoesNotContain(rendered.All<V1Service>(), s => s.Metadata.Name == "ollama-replicas");
    }
}

using System.Globalization;
using k8s.Models;
using MikuCloud.AppHost.Ollama;
using MikuCloud.HouseModels;

namespace MikuCloud.Tests.Deploy;

/// <summary>Ollama in the cluster: same image tag, port, model path and knobs as the AppHost; GPU only where intended.</summary>
public class OllamaManifestTests
{
    public enum Gpu { None, Nvidia, Amd }

    /// <summary>What each overlay runs Ollama on. A new overlay must be added here (and so be thought about).</summary>
    public static readonly IReadOnlyDictionary<string, Gpu> GpuByOverlay = new Dictionary<string, Gpu>
    {
        ["single-gpu"] = Gpu.Nvidia,
        ["single-gpu-amd"] = Gpu.Amd,
        ["cluster"] = Gpu.Nvidia,
        ["cpu"] = Gpu.None,
    };

    private static readonly HouseModelCatalog Catalog = HouseModelCatalog.Load(Repo.PathOf(HouseModelCatalog.DirectoryName));

    [Theory]
    [MemberData(nameof(Kustomize.OverlayNames), MemberType = typeof(Kustomize))]
    public void Ollama_uses_the_AppHost_image_tag_port_and_model_path(string overlay)
    {
        var rendered = Kustomize.Render(overlay);
        var ollama = rendered.Workload("ollama");
        var tag = GpuOf(overlay) == Gpu.Amd ? OllamaContainerImageTags.RocmTag : OllamaContainerImageTags.Tag;
        var image = $"{OllamaContainerImageTags.Registry}/{OllamaContainerImageTags.Image}:{tag}";

        Assert.All(ollama.AllContainers, c => Assert.Equal(image, c.Image));
        var server = ollama.Container("ollama");
        Assert.Equal(OllamaContainerImageTags.Port, Assert.Single(server.Ports).ContainerPort);
        Assert.Equal($"0.0.0.0:{OllamaContainerImageTags.Port}", server.Env.Single(e => e.Name == "OLLAMA_HOST").Value);
        Assert.All(ollama.AllContainers, c => Assert.Contains(c.VolumeMounts, m => m.Name == "models" && m.MountPath == OllamaContainerImageTags.ModelsPath));
        // model-init keeps partial downloads across restarts (its server would otherwise prune them at startup).
        Assert.Equal("1", Assert.Single(ollama.Pod.InitContainers, c => c.Name == "model-init").Env.Single(e => e.Name == "OLLAMA_NOPRUNE").Value);

        var set = rendered.One<V1StatefulSet>("ollama");
        var claim = Assert.Single(set.Spec.VolumeClaimTemplates);
        Assert.Equal("models", claim.Metadata.Name);
        Assert.True(claim.Spec.Resources.Requests["storage"].ToDecimal() >= 10m * 1024 * 1024 * 1024, "room for at least the smallest model");

        // Headless Service for the StatefulSet, client Service for the API, both on the AppHost's port.
        var headless = rendered.One<V1Service>(set.Spec.ServiceName);
        Assert.Equal("None", headless.Spec.ClusterIP);
        var client = rendered.One<V1Service>(MikuCloudOllamaExtensions.ServerName);
        Assert.NotEqual("None", client.Spec.ClusterIP);
        Assert.All(new[] { headless, client }, s => Assert.Equal(OllamaContainerImageTags.Port, Assert.Single(s.Spec.Ports).Port));
    }

    [Theory]
    [MemberData(nameof(Kustomize.OverlayNames), MemberType = typeof(Kustomize))]
    public void The_API_reaches_the_client_service_and_chats_with_the_house_model(string overlay)
    {
        var rendered = Kustomize.Render(overlay);
        var env = ContainerEnv.Of(rendered, rendered.Workload("api").Container("api"));
        var connection = OllamaConnectionString.Parse(env["ConnectionStrings__ollama"]!);

        Assert.Equal(MikuCloudOllamaExtensions.ServerName, connection.Endpoint.Host);
        Assert.Equal(OllamaContainerImageTags.Port, connection.Endpoint.Port);
        Assert.NotNull(Catalog.FindModel(connection.Model!));
    }

    [Fact]
    public void Server_knobs_are_the_AppHost_defaults()
    {
        var knobs = Kustomize.Render("base").ConfigMap("ollama-settings").Data;

        Assert.Equal(OllamaServerSettings.Knobs.Select(k => k.Variable).Order(), knobs.Keys.Order());
        foreach (var (variable, _, fallback) in OllamaServerSettings.Knobs)
        {
            var expected = variable == "OLLAMA_CONTEXT_LENGTH" ? Catalog.DefaultModel.ContextLength.ToString(CultureInfo.InvariantCulture) : fallback;
            Assert.True(expected == knobs[variable], $"{variable}: deploy has '{knobs[variable]}', the AppHost default is '{expected}'");
        }
    }

    [Theory]
    [MemberData(nameof(Kustomize.OverlayNames), MemberType = typeof(Kustomize))]
    public void Knobs_reach_the_server_and_the_API_reads_the_same_values(string overlay)
    {
        var rendered = Kustomize.Render(overlay);
        var server = ContainerEnv.Of(rendered, rendered.Workload("ollama").Container("ollama"));
        var api = ContainerEnv.Of(rendered, rendered.Workload("api").Container("api"));

        // The slots the API counts per replica: Ollama:ReplicaSlots where it routes over several replicas, else its
        // default, Chat:MaxConcurrentGenerations (ReplicaRoutingManifestTests has what admission is there).
        var slots = api.ContainsKey("Ollama__ReplicaSlots") ? "Ollama__ReplicaSlots" : "Chat__MaxConcurrentGenerations";

        Assert.All(OllamaServerSettings.Knobs, k => Assert.False(string.IsNullOrEmpty(server[k.Variable]), $"{overlay}: {k.Variable} is not set on Ollama"));
        Assert.Equal(server["OLLAMA_NUM_PARALLEL"], api[slots]);
        Assert.Equal(server["OLLAMA_KEEP_ALIVE"], api["Chat__KeepAlive"]);
        Assert.Equal(Catalog.DefaultModel.ContextLength.ToString(CultureInfo.InvariantCulture), server["OLLAMA_CONTEXT_LENGTH"]);
        // Both read one ConfigMap, so an overlay cannot change one and forget the other.
        var parallel = rendered.Workload("api").Container("api").Env.Single(e => e.Name == slots);
        Assert.Equal("OLLAMA_NUM_PARALLEL", parallel.ValueFrom.ConfigMapKeyRef.Key);
    }

    [Theory]
    [MemberData(nameof(Kustomize.OverlayNames), MemberType = typeof(Kustomize))]
    public void Probes_mean_model_present_and_loaded(string overlay)
    {
        var server = Kustomize.Render(overlay).Workload("ollama").Container("ollama");
        // The probes are about the default model: optional models must not hold the server's readiness.
        var model = Assert.Single(Catalog.Models, m => !m.IsOptional).Name;
        Assert.Equal(Catalog.DefaultModel.Name, model);

        // Startup: the FAQ's preload (`ollama run <model> ""` loads it into memory), with minutes to spare.
        Assert.Equal(["ollama", "run", model, ""], server.StartupProbe.Exec.Command);
        Assert.True(server.StartupProbe.PeriodSeconds * server.StartupProbe.FailureThreshold >= 600, "a bf16 load from slow storage takes minutes");
        Assert.True(server.StartupProbe.TimeoutSeconds >= 120);
        // Ready: the server answers and has the house model.
        Assert.Equal(["ollama", "show", model], server.ReadinessProbe.Exec.Command);
        Assert.Equal("/api/version", server.LivenessProbe.HttpGet.Path);
    }

    [Theory]
    [MemberData(nameof(Kustomize.OverlayNames), MemberType = typeof(Kustomize))]
    public void GPU_requests_tolerations_and_node_selection_only_in_GPU_overlays(string overlay)
    {
        var rendered = Kustomize.Render(overlay);
        var ollama = rendered.Workload("ollama");
        var server = ollama.Container("ollama");
        var gpu = GpuOf(overlay);

        // Nothing but the Ollama server ever asks for a GPU (model-init only downloads).
        foreach (var workload in rendered.Workloads)
        {
            foreach (var container in workload.AllContainers.Where(c => !(workload.Name == "ollama" && c.Name == "ollama")))
            {
                Assert.DoesNotContain(Resources(container), r => r.EndsWith("/gpu", StringComparison.Ordinal));
            }
        }

        switch (gpu)
        {
            case Gpu.Nvidia:
                Assert.Equal("1", server.Resources.Limits["nvidia.com/gpu"].ToString());
                Assert.Equal("nvidia", ollama.Pod.RuntimeClassName);
                Assert.Contains(ollama.Pod.Tolerations, t => t.Key == "nvidia.com/gpu" && t.Effect == "NoSchedule");
                Assert.Equal("true", ollama.Pod.NodeSelector["nvidia.com/gpu.present"]);
                Assert.DoesNotContain("amd.com/gpu", Resources(server));
                break;
            case Gpu.Amd:
                Assert.Equal("1", server.Resources.Limits["amd.com/gpu"].ToString());
                Assert.Contains(ollama.Pod.Tolerations, t => t.Key == "amd.com/gpu" && t.Effect == "NoSchedule");
                Assert.Null(ollama.Pod.RuntimeClassName);
                Assert.DoesNotContain("nvidia.com/gpu", Resources(server));
                break;
            default:
                Assert.DoesNotContain(Resources(server), r => r.EndsWith("/gpu", StringComparison.Ordinal));
                Assert.Null(ollama.Pod.RuntimeClassName);
                Assert.True(ollama.Pod.Tolerations is null or { Count: 0 });
                Assert.True(ollama.Pod.NodeSelector is null or { Count: 0 });
                break;
        }
    }

    [Fact]
    public void The_cluster_overlay_scales_Ollama_and_the_API_and_keeps_prompt_caches_warm()
    {
        var rendered = Kustomize.Render("cluster");
        var ollamaReplicas = rendered.Workload("ollama").Replicas!.Value;
        var hpa = rendered.One<V2HorizontalPodAutoscaler>("api");
        var api = ContainerEnv.Of(rendered, rendered.Workload("api").Container("api"));

        Assert.True(ollamaReplicas > 1);
        // Prompt caches stay warm because the API routes each conversation to its replica (shared through Redis), not
        // because API pods are pinned: any number of API pods reaches every replica.
        Assert.False(string.IsNullOrEmpty(api["Ollama__ReplicasDns"]));
        Assert.False(string.IsNullOrEmpty(api["ConnectionStrings__redis"]));
        Assert.True(hpa.Spec.MinReplicas >= 2, "the API survives losing a pod");
        Assert.NotEqual("ClientIP", rendered.One<V1Service>("ollama").Spec.SessionAffinity);
        Assert.NotNull(rendered.Workload("ollama").Pod.Affinity?.PodAntiAffinity);
        Assert.True(rendered.Workload("web").Replicas >= 2);
    }

    [Fact]
    public void The_single_gpu_overlay_is_all_in_one()
    {
        var rendered = Kustomize.Render("single-gpu");

        Assert.Equal(1, rendered.Workload("ollama").Replicas);
        rendered.Workload("postgres");
        Assert.Null(rendered.Find<V1StatefulSet>("postgres")?.Spec.Template.Spec.NodeSelector);
    }

    private static Gpu GpuOf(string overlay) =>
        GpuByOverlay.TryGetValue(overlay, out var gpu) ? gpu : throw new Xunit.Sdk.XunitException($"Overlay '{overlay}' is new: say in {nameof(GpuByOverlay)} what it runs Ollama on.");

    private static IEnumerable<string> Resources(V1Container container) =>
        (container.Resources?.Limits?.Keys ?? []).Concat(container.Resources?.Requests?.Keys ?? []);
}

using k8s;
using k8s.Models;

namespace MikuCloud.Tests.Deploy;

/// <summary>Every overlay renders cleanly into objects that hang together.</summary>
public class ManifestTests
{
    /// <summary>Secrets the operator creates (README, "Kubernetes"); everything else a manifest refers to is rendered.</summary>
    public static readonly string[] OperatorSecrets =
        ["mikucloud-postgres", "mikucloud-chatdb", "mikucloud-redis", "mikucloud-redis-external", "mikucloud-web-dataprotection", "mikucloud-tls", "mikucloud-auth"];

    [Fact]
    public void The_required_overlays_exist()
    {
        Assert.Subset(Kustomize.Overlays.ToHashSet(), Kustomize.RequiredOverlays.ToHashSet());
    }

    [Theory]
    [MemberData(nameof(Kustomize.OverlayNames), MemberType = typeof(Kustomize))]
    public void Overlay_renders_without_warnings_into_known_kinds(string overlay)
    {
        var rendered = Kustomize.Render(overlay);

        // Strict typed load already happened; deprecation warnings would mean a future Kustomize breaks the build.
        Assert.True(string.IsNullOrWhiteSpace(rendered.Warnings), $"{overlay}: {rendered.Warnings}");
        var kinds = rendered.Objects.Select(o => o.Kind ?? "").ToHashSet();
        Assert.Subset(new HashSet<string> { "Namespace", "ConfigMap", "Service", "Deployment", "StatefulSet", "PodDisruptionBudget", "HorizontalPodAutoscaler", "Ingress", "NetworkPolicy" }, kinds);
        foreach (var required in new[] { "ollama", "api", "web", "otel-collector" })
        {
            rendered.Workload(required);
        }
    }

    [Theory]
    [MemberData(nameof(Kustomize.OverlayNames), MemberType = typeof(Kustomize))]
    public void Everything_is_in_the_mikucloud_namespace_and_labelled(string overlay)
    {
        var rendered = Kustomize.Render(overlay);
        foreach (var obj in rendered.Objects.Cast<IKubernetesObject<V1ObjectMeta>>())
        {
            var where = $"{overlay}: {obj.Kind}/{obj.Metadata.Name}";
            if (obj is V1Namespace ns)
            {
                Assert.Equal("mikucloud", ns.Metadata.Name);
            }
            else
            {
                Assert.True(obj.Metadata.NamespaceProperty == "mikucloud", $"{where} is in namespace '{obj.Metadata.NamespaceProperty}'");
            }

            Assert.True(obj.Metadata.Labels?.TryGetValue("app.kubernetes.io/part-of", out var partOf) == true && partOf == "mikucloud", $"{where} lacks app.kubernetes.io/part-of");
        }

        foreach (var workload in rendered.Workloads)
        {
            Assert.Equal("mikucloud", workload.Labels["app.kubernetes.io/part-of"]);
        }
    }

    [Theory]
    [MemberData(nameof(Kustomize.OverlayNames), MemberType = typeof(Kustomize))]
    public void References_resolve(string overlay)
    {
        var rendered = Kustomize.Render(overlay);
        var configMaps = rendered.All<V1ConfigMap>().ToDictionary(c => c.Metadata.Name);
        var services = rendered.All<V1Service>().ToDictionary(s => s.Metadata.Name);

        foreach (var workload in rendered.Workloads)
        {
            var where = $"{overlay}: {workload.Kind}/{workload.Name}";
            // Selectors select the template.
            var selector = workload.Kind == "Deployment"
                ? rendered.One<V1Deployment>(workload.Name).Spec.Selector
                : rendered.One<V1StatefulSet>(workload.Name).Spec.Selector;
            Assert.True(Selectors.Matches(selector, workload.Labels), $"{where}: selector does not match its pod labels");

            foreach (var container in workload.AllContainers)
            {
                foreach (var source in container.EnvFrom ?? [])
                {
                    Assert.True(source.ConfigMapRef is null || configMaps.ContainsKey(source.ConfigMapRef.Name), $"{where}: envFrom ConfigMap {source.ConfigMapRef?.Name} is not rendered");
                    Assert.True(source.SecretRef is null || OperatorSecrets.Contains(source.SecretRef.Name), $"{where}: Secret {source.SecretRef?.Name}");
                }

                foreach (var env in container.Env ?? [])
                {
                    if (env.ValueFrom?.ConfigMapKeyRef is { } key)
                    {
                        Assert.True(configMaps.TryGetValue(key.Name, out var map) && map.Data.ContainsKey(key.Key), $"{where}: {env.Name} refers to {key.Name}/{key.Key}, which is not rendered");
                    }

                    if (env.ValueFrom?.SecretKeyRef is { } secret)
                    {
                        Assert.Contains(secret.Name, OperatorSecrets);
                    }
                }
            }

            foreach (var volume in workload.Pod.Volumes ?? [])
            {
                Assert.True(volume.ConfigMap is null || configMaps.ContainsKey(volume.ConfigMap.Name), $"{where}: volume ConfigMap {volume.ConfigMap?.Name} is not rendered");
                Assert.True(volume.Secret is null || OperatorSecrets.Contains(volume.Secret.SecretName), $"{where}: volume Secret {volume.Secret?.SecretName}");
                Assert.Null(volume.HostPath);
            }

            var mounts = workload.AllContainers.SelectMany(c => c.VolumeMounts ?? []).Select(m => m.Name).ToHashSet();
            var declared = (workload.Pod.Volumes ?? []).Select(v => v.Name).ToHashSet();
            if (workload.Kind == "StatefulSet")
            {
                declared.UnionWith(rendered.One<V1StatefulSet>(workload.Name).Spec.VolumeClaimTemplates?.Select(t => t.Metadata.Name) ?? []);
            }

            Assert.Subset(declared, mounts);
        }

        // Services select pods that have the target port.
        foreach (var service in services.Values)
        {
            var targets = rendered.Workloads.Where(w => Selectors.Matches(service.Spec.Selector, w.Labels)).ToList();
            Assert.True(targets.Count > 0, $"{overlay}: Service {service.Metadata.Name} selects no pods");
            foreach (var port in service.Spec.Ports)
            {
                var target = port.TargetPort?.Value ?? port.Port.ToString(System.Globalization.CultureInfo.InvariantCulture);
                Assert.True(targets.All(w => w.Pod.Containers.SelectMany(c => c.Ports ?? []).Any(p => p.Name == target || p.ContainerPort.ToString(System.Globalization.CultureInfo.InvariantCulture) == target)),
                    $"{overlay}: Service {service.Metadata.Name} port {port.Name} targets '{target}', which its pods do not expose");
            }
        }

        foreach (var pdb in rendered.All<V1PodDisruptionBudget>())
        {
            Assert.Single(rendered.Workloads, w => Selectors.Matches(pdb.Spec.Selector, w.Labels));
        }

        foreach (var hpa in rendered.All<V2HorizontalPodAutoscaler>())
        {
            Assert.Equal("Deployment", hpa.Spec.ScaleTargetRef.Kind);
            rendered.One<V1Deployment>(hpa.Spec.ScaleTargetRef.Name);
            Assert.True(hpa.Spec.MinReplicas >= 1 && hpa.Spec.MaxReplicas > hpa.Spec.MinReplicas, $"{overlay}: HPA {hpa.Metadata.Name} range");
        }

        foreach (var ingress in rendered.All<V1Ingress>())
        {
            foreach (var path in ingress.Spec.Rules.SelectMany(r => r.Http.Paths))
            {
                Assert.True(services.TryGetValue(path.Backend.Service.Name, out var backend), $"{overlay}: Ingress backend {path.Backend.Service.Name}");
                Assert.Contains(backend.Spec.Ports, p => p.Name == path.Backend.Service.Port.Name || p.Port == path.Backend.Service.Port.Number);
            }
        }
    }

    [Theory]
    [MemberData(nameof(Kustomize.OverlayNames), MemberType = typeof(Kustomize))]
    public void Every_container_has_requests_and_a_memory_limit(string overlay)
    {
        foreach (var workload in Kustomize.Render(overlay).Workloads)
        {
            foreach (var container in workload.AllContainers)
            {
                var where = $"{overlay}: {workload.Name}/{container.Name}";
                Assert.True(container.Resources?.Requests?.ContainsKey("cpu") == true, $"{where} has no CPU request");
                Assert.True(container.Resources?.Requests?.ContainsKey("memory") == true, $"{where} has no memory request");
                Assert.True(container.Resources?.Limits?.ContainsKey("memory") == true, $"{where} has no memory limit");
            }
        }
    }
}

/// <summary>Label selector matching, as the API server does it.</summary>
public static class Selectors
{
    public static bool Matches(IDictionary<string, string>? selector, IDictionary<string, string> labels) =>
        selector is not null && selector.All(kv => labels.TryGetValue(kv.Key, out var v) && v == kv.Value);

    public static bool Matches(V1LabelSelector? selector, IDictionary<string, string> labels)
    {
        if (selector is null)
        {
            return true;
        }

        var matchLabels = selector.MatchLabels ?? new Dictionary<string, string>();
        if (!matchLabels.All(kv => labels.TryGetValue(kv.Key, out var v) && v == kv.Value))
        {
            return false;
        }

        return (selector.MatchExpressions ?? []).All(e => e.OperatorProperty switch
        {
            "In" => labels.TryGetValue(e.Key, out var v) && e.Values.Contains(v),
            "NotIn" => !labels.TryGetValue(e.Key, out var v) || !e.Values.Contains(v),
            "Exists" => labels.ContainsKey(e.Key),
            "DoesNotExist" => !labels.ContainsKey(e.Key),
            _ => throw new NotSupportedException(e.OperatorProperty),
        });
    }
}

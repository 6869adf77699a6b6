using System.Xml.Linq;
using k8s.Models;
using Microsoft.Extensions.Configuration;
using MikuCloud.Api.Chat;
using ServiceDefaults = Microsoft.Extensions.Hosting.Extensions;

namespace MikuCloud.Tests.Deploy;

/// <summary>The API and Web Deployments: probes, configuration, images, security, availability.</summary>
public class AppDeploymentTests
{
    private static readonly ConfigurationKeys ApiKeys = ConfigurationKeys.Read(
        ["MikuCloud.Api", "MikuCloud.ServiceDefaults", "MikuCloud.HouseModels"], typeof(ChatServerOptions).Assembly, typeof(ServiceDefaults).Assembly);

    private static readonly ConfigurationKeys WebKeys = ConfigurationKeys.Read(
        ["MikuCloud.Web", "MikuCloud.ServiceDefaults"], typeof(MikuCloud.Web.DataProtectionSetup).Assembly, typeof(ServiceDefaults).Assembly);

    public static TheoryData<string, string> OverlaysAndApps =>
        new(Kustomize.Overlays.SelectMany(o => new[] { (o, "api"), (o, "web") }));

    [Fact]
    public void The_key_scan_finds_what_the_code_reads()
    {
        // Guards the scanner itself: if these move, the scan must still find them.
        Assert.Contains("ConnectionStrings:ollama", ApiKeys.Direct);
        Assert.Contains("ConnectionStrings:chatdb", ApiKeys.Direct);
        Assert.Contains("Database:Provider", ApiKeys.Direct);
        Assert.Contains(("Chat", typeof(ChatServerOptions)), ApiKeys.Sections);
        Assert.Contains(("Images", typeof(MikuCloud.Api.Images.ImagePipelineOptions)), ApiKeys.Sections);
        Assert.True(ApiKeys.Reads("Knowledge__Rerank__Enabled"), "the optional rerank step's switch");
        // Bound through a local section (OllamaReplicasSetup): the routing settings the cluster overlay sets.
        Assert.Contains(("Ollama", typeof(MikuCloud.Api.Ollama.OllamaReplicaOptions)), ApiKeys.Sections);
        Assert.True(ApiKeys.Reads("Ollama__ReplicasDns"));
        Assert.False(ApiKeys.Reads("Ollama__ReplicaDns"), "a typo is not a key");
        Assert.Contains("DataProtection:KeysPath", WebKeys.Direct);
        Assert.Contains("Uploads:MaxTotalBytes", WebKeys.Direct);
        Assert.Contains(("Images", typeof(MikuCloud.Web.Uploads.ImageLimits)), WebKeys.Sections);
        Assert.Contains("api", WebKeys.DiscoveredServices);
        Assert.False(ApiKeys.Reads("Chat__MaxConcurentGenerations"), "a typo is not a key");
    }

    [Theory]
    [MemberData(nameof(OverlaysAndApps))]
    public void Every_environment_key_is_one_the_code_reads(string overlay, string app)
    {
        var rendered = Kustomize.Render(overlay);
        var container = rendered.Workload(app).Container(app);
        var keys = app == "api" ? ApiKeys : WebKeys;
        var env = ContainerEnv.Of(rendered, container);
        // Variables that exist only to be substituted into others ($(K8S_POD_NAME), $(POSTGRES_PASSWORD)).
        var helpers = ContainerEnv.References(container).ToHashSet(StringComparer.Ordinal);

        var unread = env.Keys.Where(k => !helpers.Contains(k) && !keys.Reads(k)).ToList();

        Assert.True(unread.Count == 0, $"{overlay}/{app} sets keys the code does not read: {string.Join(", ", unread)}");
    }

    [Theory]
    [MemberData(nameof(Kustomize.OverlayNames), MemberType = typeof(Kustomize))]
    public void Clusters_run_accounts_with_the_token_key_from_a_secret_and_per_user_limits(string overlay)
    {
        var rendered = Kustomize.Render(overlay);
        foreach (var app in AuthApps)
        {
            var container = rendered.Workload(app).Container(app);
            var env = ContainerEnv.Of(rendered, container);
            // Never single-user in a cluster: it would trust every caller on the network.
            Assert.Equal("Accounts", env["Auth__Mode"]);
            var key = container.Env.Single(e => e.Name == "Auth__ApiTokenKey");
            Assert.Null(key.Value); // not a literal in the manifests
            Assert.Equal(("mikucloud-auth", "api-token-key"), (key.ValueFrom.SecretKeyRef.Name, key.ValueFrom.SecretKeyRef.Key));
        }

        var api = ContainerEnv.Of(rendered, rendered.Workload("api").Container("api"));
        foreach (var limit in new[] { "RequestsPerMinute", "TokensPerMinute", "ConcurrentStreams", "StoredImages" })
        {
            Assert.True(int.Parse(api[$"Limits__{limit}"]!, System.Globalization.CultureInfo.InvariantCulture) > 0, $"{overlay}: Limits__{limit}");
        }
    }

    /// <summary>The apps that verify (api) or sign (web) user tokens.</summary>
    private static readonly string[] AuthApps = ["api", "web"];

    [Theory]
    [MemberData(nameof(Kustomize.OverlayNames), MemberType = typeof(Kustomize))]
    public void The_API_configuration_binds_and_has_what_the_API_needs(string overlay)
    {
        var rendered = Kustomize.Render(overlay);
        var env = ContainerEnv.Of(rendered, rendered.Workload("api").Container("api"));
        var configuration = new ConfigurationBuilder()
            .AddInMemoryCollection(env.Select(kv => KeyValuePair.Create(kv.Key.Replace("__", ":", StringComparison.Ordinal), kv.Value)))
            .Build();

        // Every bound section converts and has no unknown keys (what the API does at startup).
        foreach (var (section, options) in ApiKeys.Sections)
        {
            configuration.GetSection(section).Get(options, o => o.ErrorOnUnknownConfiguration = true);
        }

        var chat = configuration.GetSection("Chat").Get<ChatServerOptions>()!;
        Assert.True(chat.MaxConcurrentGenerations >= 1);
        Assert.False(chat.RecordContentInTelemetry, "message content stays out of telemetry unless an operator opts in");
        Assert.Equal("postgres", configuration["Database:Provider"]);
        Assert.False(string.IsNullOrEmpty(configuration.GetConnectionString("chatdb")), $"{overlay}: no ConnectionStrings__chatdb");
        Assert.False(string.IsNullOrEmpty(configuration.GetConnectionString("ollama")));
    }

    [Theory]
    [MemberData(nameof(OverlaysAndApps))]
    public void Probes_use_the_ServiceDefaults_endpoints(string overlay, string app)
    {
        var container = Kustomize.Render(overlay).Workload(app).Container(app);
        var port = Assert.Single(container.Ports);

        Assert.Equal(ServiceDefaults.AlivenessEndpointPath, container.LivenessProbe.HttpGet.Path);
        Assert.Equal(ServiceDefaults.AlivenessEndpointPath, container.StartupProbe.HttpGet.Path);
        // The Web is ready when /health passes. The API's readiness is /alive on purpose: /health includes Ollama,
        // which all API replicas share (see the comment in deploy/k8s/base/api/deployment.yaml).
        Assert.Equal(app == "web" ? ServiceDefaults.HealthEndpointPath : ServiceDefaults.AlivenessEndpointPath, container.ReadinessProbe.HttpGet.Path);
        Assert.All(new[] { container.LivenessProbe, container.ReadinessProbe, container.StartupProbe }, p => Assert.Equal(port.Name, p.HttpGet.Port.Value));
        Assert.Equal(8080, port.ContainerPort);
    }

    [Theory]
    [MemberData(nameof(OverlaysAndApps))]
    public void Images_are_the_ones_the_projects_publish(string overlay, string app)
    {
        var project = XDocument.Load(Repo.PathOf(app == "api" ? "MikuCloud.Api" : "MikuCloud.Web", app == "api" ? "MikuCloud.Api.csproj" : "MikuCloud.Web.csproj"));
        string Property(string name) => project.Descendants(name).Single().Value.Trim();
        var repository = Property("ContainerRepository");
        var tag = Property("ContainerImageTags").Split(';')[0];
        var workload = Kustomize.Render(overlay).Workload(app);
        var image = workload.Container(app).Image;

        Assert.True(image == $"{repository}:{tag}" || image.EndsWith($"/{repository}:{tag}", StringComparison.Ordinal), $"{overlay}/{app}: {image}, the project publishes {repository}:{tag}");
        Assert.Equal(long.Parse(Property("ContainerUser"), System.Globalization.CultureInfo.InvariantCulture), workload.Pod.SecurityContext.RunAsUser);
        Assert.Equal("false", project.Root!.Descendants("InvariantGlobalization").SingleOrDefault()?.Value
                              ?? XDocument.Load(Repo.PathOf("Directory.Build.props")).Descendants("InvariantGlobalization").Single().Value);
    }

    [Theory]
    [MemberData(nameof(Kustomize.OverlayNames), MemberType = typeof(Kustomize))]
    public void Pods_run_restricted(string overlay)
    {
        var rendered = Kustomize.Render(overlay);
        var level = rendered.One<V1Namespace>("mikucloud").Metadata.Labels["pod-security.kubernetes.io/enforce"];
        Assert.True(level == "restricted" || (level == "baseline" && OllamaManifestTests.GpuByOverlay[overlay] == OllamaManifestTests.Gpu.Amd), $"{overlay}: namespace enforces {level}");

        foreach (var workload in rendered.Workloads)
        {
            var pod = workload.Pod;
            // Only the ROCm variant of Ollama may run as root (device group ids differ between hosts); it still
            // drops every capability and cannot escalate.
            var rootAllowed = level == "baseline" && workload.Name == "ollama";
            Assert.Equal("RuntimeDefault", pod.SecurityContext?.SeccompProfile?.Type);
            Assert.NotEqual(true, pod.HostNetwork);
            Assert.NotEqual(true, pod.HostPID);
            Assert.NotEqual(true, pod.HostIPC);
            Assert.False(pod.AutomountServiceAccountToken ?? true, $"{overlay}/{workload.Name} mounts a service account token it does not need");
            foreach (var container in workload.AllContainers)
            {
                var where = $"{overlay}/{workload.Name}/{container.Name}";
                var security = container.SecurityContext;
                Assert.True(security is not null, $"{where} has no securityContext");
                Assert.True(security.AllowPrivilegeEscalation == false, $"{where} allows privilege escalation");
                Assert.True(security.Privileged != true, $"{where} is privileged");
                Assert.True(security.ReadOnlyRootFilesystem == true, $"{where} has a writable root filesystem");
                Assert.True(security.Capabilities?.Drop?.Contains("ALL") == true, $"{where} keeps capabilities");
                Assert.True(security.Capabilities?.Add is null or { Count: 0 }, $"{where} adds capabilities");
                if (!rootAllowed)
                {
                    Assert.True((security.RunAsNonRoot ?? pod.SecurityContext?.RunAsNonRoot) == true, $"{where} may run as root");
                    Assert.True((security.RunAsUser ?? pod.SecurityContext?.RunAsUser) is > 0, $"{where} has no non-root runAsUser");
                }
            }
        }
    }

    [Theory]
    [MemberData(nameof(Kustomize.OverlayNames), MemberType = typeof(Kustomize))]
    public void The_Web_runs_several_replicas_with_shared_keys_and_sticky_sessions(string overlay)
    {
        var rendered = Kustomize.Render(overlay);
        var web = rendered.Workload("web");
        var env = ContainerEnv.Of(rendered, web.Container("web"));
        var keysPath = env["DataProtection__KeysPath"];
        var mount = Assert.Single(web.Container("web").VolumeMounts, m => m.MountPath == keysPath);
        var volume = web.Pod.Volumes.Single(v => v.Name == mount.Name);

        Assert.True(web.Replicas >= 2, $"{overlay}: the Web must run at least 2 replicas");
        // Attached images wait in /tmp: the upload store must say "full" before the emptyDir limit evicts the pod.
        var tmp = web.Pod.Volumes.Single(v => v.Name == web.Container("web").VolumeMounts.Single(m => m.MountPath == "/tmp").Name);
        Assert.True(long.Parse(env["Uploads__MaxTotalBytes"]!, System.Globalization.CultureInfo.InvariantCulture) < tmp.EmptyDir.SizeLimit.ToInt64(),
            $"{overlay}: Uploads__MaxTotalBytes must stay below the /tmp sizeLimit ({tmp.EmptyDir.SizeLimit})");
        Assert.True(mount.ReadOnlyProperty, "replicas read the key ring, never write it");
        Assert.Equal("mikucloud-web-dataprotection", volume.Secret.SecretName);
        Assert.NotEqual(true, volume.Secret.Optional);
        Assert.Equal("ClientIP", rendered.One<V1Service>("web").Spec.SessionAffinity);

        var ingress = Assert.Single(rendered.All<V1Ingress>());
        var annotations = ingress.Metadata.Annotations;
        Assert.Equal("cookie", annotations["nginx.ingress.kubernetes.io/affinity"]);
        Assert.Equal("off", annotations["nginx.ingress.kubernetes.io/proxy-buffering"]);
        Assert.Equal("off", annotations["nginx.ingress.kubernetes.io/proxy-request-buffering"]);
        Assert.True(int.Parse(annotations["nginx.ingress.kubernetes.io/proxy-read-timeout"], System.Globalization.CultureInfo.InvariantCulture) >= 3600, "a Blazor circuit (WebSocket) lives as long as the tab");
        Assert.True(int.Parse(annotations["nginx.ingress.kubernetes.io/proxy-send-timeout"], System.Globalization.CultureInfo.InvariantCulture) >= 3600);
        // The browser reaches the Web only.
        Assert.All(ingress.Spec.Rules.SelectMany(r => r.Http.Paths), p => Assert.Equal("web", p.Backend.Service.Name));
    }

    [Theory]
    [MemberData(nameof(Kustomize.OverlayNames), MemberType = typeof(Kustomize))]
    public void Disruption_budgets_and_autoscaling(string overlay)
    {
        var rendered = Kustomize.Render(overlay);

        foreach (var app in new[] { "api", "web", "ollama" })
        {
            Assert.Contains(rendered.All<V1PodDisruptionBudget>(), p => Selectors.Matches(p.Spec.Selector, rendered.Workload(app).Labels));
        }

        var hpa = rendered.One<V2HorizontalPodAutoscaler>("api");
        Assert.Equal("api", hpa.Spec.ScaleTargetRef.Name);
        Assert.NotEmpty(hpa.Spec.Metrics);
    }

    [Fact]
    public void The_Web_program_wires_the_shared_key_ring()
    {
        var program = File.ReadAllText(Repo.PathOf("MikuCloud.Web", "Program.cs"));

        Assert.Contains("builder.AddSharedDataProtection();", program, StringComparison.Ordinal);
    }
}

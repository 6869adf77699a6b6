using System.Net;
using System.Net.Sockets;
using k8s.Models;

namespace MikuCloud.Tests.Deploy;

/// <summary>
/// Evaluates the rendered NetworkPolicies the way the API server's semantics define them (a connection needs an
/// egress allowance at the source and an ingress allowance at the destination, whenever a policy selects that
/// pod) and checks that exactly the intended edges are open.
/// </summary>
public class NetworkPolicyTests
{
    private const string Namespace = "mikucloud";

    // Peers outside the namespace.
    private static readonly Peer IngressController = Peer.Pod("ingress-nginx", "ingress-nginx", new() { ["app.kubernetes.io/name"] = "ingress-nginx" });
    private static readonly Peer Prometheus = Peer.Pod("prometheus", "monitoring", new() { ["app.kubernetes.io/name"] = "prometheus" });
    private static readonly Peer KubeDns = Peer.Pod("kube-dns", "kube-system", new() { ["k8s-app"] = "kube-dns" });
    private static readonly Peer Stranger = Peer.Pod("stranger", "default", new() { ["app"] = "stranger" });
    private static readonly Peer OllamaRegistry = Peer.Address("registry.ollama.ai", "104.21.75.227");
    private static readonly Peer ManagedDatabase = Peer.Address("managed PostgreSQL", "10.20.30.40");
    private static readonly Peer ManagedRedis = Peer.Address("managed Redis", "10.20.30.41");
    private static readonly Peer MetadataService = Peer.Address("cloud metadata", "169.254.169.254");

    [Theory]
    [MemberData(nameof(Kustomize.OverlayNames), MemberType = typeof(Kustomize))]
    public void Only_the_intended_edges_are_open(string overlay) => AssertOnlyIntendedEdges(Kustomize.Render(overlay));

    [Fact]
    public void With_a_managed_Redis_only_the_API_reaches_out_to_it() => AssertOnlyIntendedEdges(RedisManifestTests.ClusterWithManagedRedis());

    private static void AssertOnlyIntendedEdges(Rendered rendered)
    {
        var net = new Network(rendered);
        var pods = net.Pods;
        var everyone = pods.Values.Concat([IngressController, Prometheus, KubeDns, Stranger]).ToList();

        // Both sides must hold on their own: the destination's ingress rules admit only the intended sources even
        // if a source's egress rules were too wide (and the other way round).
        IEnumerable<string> Reaching(Peer target, int port)
        {
            var admitted = everyone.Where(s => s != target && net.Admits(target, s, port)).Select(s => s.Name).Order().ToList();
            var reaching = everyone.Where(s => s != target && net.Allows(s, target, port)).Select(s => s.Name).Order().ToList();
            Assert.True(admitted.SequenceEqual(reaching), $"{target.Name}:{port} admits [{string.Join(", ", admitted)}] but is reached by [{string.Join(", ", reaching)}]");
            return reaching;
        }

        // Inbound, per service: who can connect. The API reaches every Ollama pod itself where it routes turns
        // (ollama-replicas resolves to the pods), and through the ollama Service elsewhere: both end at these pods.
        Assert.Equal(["api"], Reaching(pods["ollama"], 11434));
        Assert.Equal(["web"], Reaching(pods["api"], 8080));
        Assert.Equal(["ingress-nginx"], Reaching(pods["web"], 8080));
        Assert.Equal(["api", "web"], Reaching(pods["otel-collector"], 4317));
        Assert.Equal(["api", "web"], Reaching(pods["otel-collector"], 4318));
        Assert.Equal(["prometheus"], Reaching(pods["otel-collector"], 8889));
        if (pods.TryGetValue("postgres", out var postgres))
        {
            Assert.Equal(["api"], Reaching(postgres, 5432));
        }

        if (pods.TryGetValue("redis", out var redis))
        {
            Assert.Equal(["api"], Reaching(redis, 6379));
        }

        if (pods.TryGetValue("aspire-dashboard", out var dashboard))
        {
            Assert.Equal(["otel-collector"], Reaching(dashboard, 18889));
            Assert.Empty(Reaching(dashboard, 18888));
        }

        // Nothing else inbound on any port the pods expose.
        foreach (var pod in pods.Values)
        {
            foreach (var port in pod.Ports.Values.Distinct())
            {
                Assert.DoesNotContain("stranger", Reaching(pod, port));
            }
        }

        // Outbound: the internet only for Ollama's model downloads (HTTPS), the managed database only for the API
        // when the overlay uses one, cluster DNS for everyone, the cloud metadata service for no one.
        Assert.Equal(["ollama"], pods.Values.Where(p => net.Allows(p, OllamaRegistry, 443)).Select(p => p.Name));
        Assert.DoesNotContain(pods.Values, p => net.Allows(p, OllamaRegistry, 80));
        var externalDatabase = rendered.Find<V1StatefulSet>("postgres") is null;
        Assert.Equal(externalDatabase ? ["api"] : [], pods.Values.Where(p => net.Allows(p, ManagedDatabase, 5432)).Select(p => p.Name));
        var apiEnv = ContainerEnv.Of(rendered, rendered.Workload("api").Container("api"));
        var externalRedis = apiEnv.ContainsKey("ConnectionStrings__redis") && !pods.ContainsKey("redis");
        Assert.Equal(externalRedis ? ["api"] : [], pods.Values.Where(p => net.Allows(p, ManagedRedis, 6379)).Select(p => p.Name));
        Assert.DoesNotContain(pods.Values, p => net.Allows(p, MetadataService, 80) || net.Allows(p, MetadataService, 443));
        Assert.All(pods.Values, p => Assert.True(net.Allows(p, KubeDns, 53, "UDP") && net.Allows(p, KubeDns, 53, "TCP"), $"{p.Name} cannot resolve names"));
        Assert.False(net.Allows(pods["web"], pods["ollama"], 11434));

        // Egress side on its own: what each pod may open, among the pods and ports of the namespace.
        var expectedEgress = new Dictionary<string, string[]>
        {
            ["web"] = ["api:8080", "otel-collector:4317", "otel-collector:4318"],
            ["api"] =
            [
                "ollama:11434", "otel-collector:4317", "otel-collector:4318",
                .. pods.ContainsKey("postgres") ? new[] { "postgres:5432" } : [],
                .. pods.ContainsKey("redis") ? new[] { "redis:6379" } : [],
            ],
            ["ollama"] = [],
            ["otel-collector"] = pods.ContainsKey("aspire-dashboard") ? ["aspire-dashboard:18889"] : [],
            ["postgres"] = [],
            ["redis"] = [],
            ["aspire-dashboard"] = [],
        };
        foreach (var source in pods.Values)
        {
            var opens = pods.Values.Where(d => d != source)
                .SelectMany(d => d.Ports.Values.Distinct().Where(port => net.Sends(source, d, port)).Select(port => $"{d.Name}:{port}"))
                .Order(StringComparer.Ordinal);
            Assert.True(expectedEgress.TryGetValue(source.Name, out var expected), $"{source.Name}: add its expected egress to this test");
            Assert.Equal(expected.Order(StringComparer.Ordinal), opens);
        }
        Assert.False(net.Allows(pods["ollama"], pods["api"], 8080));
    }

    [Theory]
    [MemberData(nameof(Kustomize.OverlayNames), MemberType = typeof(Kustomize))]
    public void Every_pod_is_covered_by_a_default_deny(string overlay)
    {
        var rendered = Kustomize.Render(overlay);
        var deny = rendered.All<V1NetworkPolicy>().Single(p => (p.Spec.PodSelector.MatchLabels ?? new Dictionary<string, string>()).Count == 0 && p.Spec.Ingress is null or { Count: 0 } && p.Spec.Egress is null or { Count: 0 });

        Assert.Equal(["Ingress", "Egress"], deny.Spec.PolicyTypes);
    }

    /// <summary>A pod (namespace + labels + named ports) or an address outside the cluster.</summary>
    private sealed record Peer(string Name, string? PodNamespace, Dictionary<string, string> Labels, IPAddress? Ip, Dictionary<string, int> Ports)
    {
        public static Peer Pod(string name, string ns, Dictionary<string, string> labels, Dictionary<string, int>? ports = null) => new(name, ns, labels, null, ports ?? []);

        public static Peer Address(string name, string ip) => new(name, null, [], IPAddress.Parse(ip), []);

        public Dictionary<string, string> NamespaceLabels => new() { ["kubernetes.io/metadata.name"] = PodNamespace ?? "" };
    }

    private sealed class Network(Rendered rendered)
    {
        private readonly List<V1NetworkPolicy> policies = rendered.All<V1NetworkPolicy>().ToList();

        public Dictionary<string, Peer> Pods { get; } = rendered.Workloads.ToDictionary(
            w => w.Labels["app.kubernetes.io/name"],
            w => Peer.Pod(w.Labels["app.kubernetes.io/name"], Namespace, new Dictionary<string, string>(w.Labels),
                w.Pod.Containers.SelectMany(c => c.Ports ?? []).ToDictionary(p => p.Name ?? p.ContainerPort.ToString(System.Globalization.CultureInfo.InvariantCulture), p => p.ContainerPort)));

        public bool Allows(Peer from, Peer to, int port, string protocol = "TCP") =>
            Direction(from, "Egress", p => p.Spec.Egress?.Select(r => ((IList<V1NetworkPolicyPeer>?)r.To, (IList<V1NetworkPolicyPort>?)r.Ports)), to, port, protocol)
            && Admits(to, from, port, protocol);

        /// <summary>The destination's side only: its ingress rules accept the source.</summary>
        public bool Admits(Peer to, Peer from, int port, string protocol = "TCP") =>
            Direction(to, "Ingress", p => p.Spec.Ingress?.Select(r => ((IList<V1NetworkPolicyPeer>?)r.FromProperty, (IList<V1NetworkPolicyPort>?)r.Ports)), from, port, protocol);

        /// <summary>The source's side only: its egress rules let it connect.</summary>
        public bool Sends(Peer from, Peer to, int port, string protocol = "TCP") =>
            Direction(from, "Egress", p => p.Spec.Egress?.Select(r => ((IList<V1NetworkPolicyPeer>?)r.To, (IList<V1NetworkPolicyPort>?)r.Ports)), to, port, protocol);

        private bool Direction(Peer subject, string type, Func<V1NetworkPolicy, IEnumerable<(IList<V1NetworkPolicyPeer>? Peers, IList<V1NetworkPolicyPort>? Ports)>?> rules, Peer other, int port, string protocol)
        {
            if (subject.PodNamespace != Namespace)
            {
                return true; // not ours: no policy selects it
            }

            var selecting = policies.Where(p => p.Spec.PolicyTypes.Contains(type) && Selectors.Matches(p.Spec.PodSelector, subject.Labels)).ToList();
            if (selecting.Count == 0)
            {
                return true;
            }

            var target = type == "Egress" ? other : subject;
            return selecting.Any(p => (rules(p) ?? []).Any(r =>
                (r.Peers is null or { Count: 0 } || r.Peers.Any(peer => Matches(peer, other)))
                && (r.Ports is null or { Count: 0 } || r.Ports.Any(x => PortMatches(x, target, port, protocol)))));
        }

        private static bool Matches(V1NetworkPolicyPeer peer, Peer other)
        {
            if (peer.IpBlock is { } block)
            {
                return other.Ip is not null && InCidr(other.Ip, block.Cidr) && !(block.Except ?? []).Any(e => InCidr(other.Ip, e));
            }

            if (other.PodNamespace is null)
            {
                return false; // selectors match pods only
            }

            var namespaceMatches = peer.NamespaceSelector is null
                ? other.PodNamespace == Namespace
                : Selectors.Matches(peer.NamespaceSelector, other.NamespaceLabels);
            return namespaceMatches && (peer.PodSelector is null || Selectors.Matches(peer.PodSelector, other.Labels));
        }

        private static bool PortMatches(V1NetworkPolicyPort rule, Peer target, int port, string protocol)
        {
            if ((rule.Protocol ?? "TCP") != protocol)
            {
                return false;
            }

            if (rule.Port is null)
            {
                return true;
            }

            var value = rule.Port.Value;
            var number = int.TryParse(value, out var n) ? n : target.Ports.TryGetValue(value, out var named) ? named : -1;
            return rule.EndPort is { } end ? port >= number && port <= end : port == number;
        }

        private static bool InCidr(IPAddress address, string cidr)
        {
            var parts = cidr.Split('/');
            var network = IPAddress.Parse(parts[0]);
            if (network.AddressFamily != address.AddressFamily || network.AddressFamily != AddressFamily.InterNetwork)
            {
                return false;
            }

            var bits = int.Parse(parts[1], System.Globalization.CultureInfo.InvariantCulture);
            var mask = bits == 0 ? 0u : uint.MaxValue << (32 - bits);
            static uint Value(IPAddress a) => (uint)IPAddress.NetworkToHostOrder(BitConverter.ToInt32(a.GetAddressBytes()));
            return (Value(address) & mask) == (Value(network) & mask);
        }
    }
}

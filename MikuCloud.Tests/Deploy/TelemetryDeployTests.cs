using System.Diagnostics.Metrics;
using System.Text.RegularExpressions;
using k8s.Models;
using Microsoft.Extensions.AI;
using Microsoft.Extensions.DependencyInjection;
using MikuCloud.Api.Chat;
using OllamaSharp;
using YamlDotNet.Serialization;
using ServiceDefaults = Microsoft.Extensions.Hosting.Extensions;

namespace MikuCloud.Tests.Deploy;

/// <summary>
/// The cluster telemetry path holds together: apps → OTLP → collector → Prometheus endpoint → scrape job →
/// Grafana panels, and every metric a panel queries is one the code emits (under the OTel → Prometheus names).
/// </summary>
public partial class TelemetryDeployTests
{
    private static readonly Lazy<IReadOnlyList<EmittedInstrument>> Emitted = new(DiscoverInstruments);

    [Fact]
    public void The_conversion_rule_matches_the_reference_examples()
    {
        // Cases from prometheus/otlptranslator's tests, plus MikuCloud's own shapes.
        Assert.Equal("requests_per_second", PrometheusNames.Convert("requests", "1/s", PrometheusNames.Kind.Gauge));
        Assert.Equal("throughput_bytes_per_second", PrometheusNames.Convert("throughput", "By/s", PrometheusNames.Kind.Gauge));
        Assert.Equal("response_time_seconds", PrometheusNames.Convert("response_time_seconds", "s", PrometheusNames.Kind.Gauge));
        Assert.Equal("custom_metric", PrometheusNames.Convert("custom_metric", "{custom}", PrometheusNames.Kind.Gauge));
        Assert.Equal("custom_metric_bytes", PrometheusNames.Convert("custom_metric", "By/{custom}", PrometheusNames.Kind.Gauge));
        Assert.Equal("http_requests_total", PrometheusNames.Convert("http.requests", "1", PrometheusNames.Kind.Counter));
        Assert.Equal("cpu_usage_ratio", PrometheusNames.Convert("cpu_usage", "1", PrometheusNames.Kind.Gauge));
        Assert.Equal("active_connections", PrometheusNames.Convert("active_connections", "", PrometheusNames.Kind.UpDownCounter));
        Assert.Equal("gen_ai_client_operation_duration_seconds", PrometheusNames.Convert("gen_ai.client.operation.duration", "s", PrometheusNames.Kind.Histogram));
        Assert.Equal("mikucloud_image_bytes_saved_total", PrometheusNames.Convert("mikucloud.image.bytes_saved", "By", PrometheusNames.Kind.Counter));
        Assert.Equal("mikucloud_chat_output_throughput_per_second", PrometheusNames.Convert("mikucloud.chat.output_throughput", "{token}/s", PrometheusNames.Kind.Histogram));
        // A name that already says the rate gets it twice: why the instruments are called *_throughput.
        Assert.Equal("x_tokens_per_second_per_second", PrometheusNames.Convert("x.tokens_per_second", "{token}/s", PrometheusNames.Kind.Histogram));
    }

    [Fact]
    public void The_code_emits_the_listed_instruments_on_meters_the_service_defaults_export()
    {
        var chat = Emitted.Value.Where(i => i.Meter == ChatTelemetry.Name).Select(i => i.Name).Distinct().Order();

        Assert.Equal(ChatTelemetry.InstrumentNames.Concat(MikuCloud.Api.Batches.BatchTelemetry.InstrumentNames).Concat(MikuCloud.Api.Ollama.ReplicaTelemetry.InstrumentNames).Order(), chat);
        Assert.Contains(Emitted.Value, i => i.Name == "gen_ai.client.operation.duration");
        Assert.Contains(Emitted.Value, i => i.Name == "gen_ai.client.token.usage");
        foreach (var meter in Emitted.Value.Select(i => i.Meter).Distinct())
        {
            Assert.True(ServiceDefaults.AdditionalMeters.Any(pattern => Regex.IsMatch(meter, "^" + Regex.Escape(pattern).Replace(@"\*", ".*", StringComparison.Ordinal) + "$")),
                $"meter {meter} is not exported by ServiceDefaults (AdditionalMeters)");
        }
    }

    [Fact]
    public void Every_metric_the_Grafana_dashboard_queries_is_emitted_by_the_code()
    {
        var series = Emitted.Value.SelectMany(i => PrometheusNames.Series(i.Name, i.Unit, i.Kind)).ToHashSet(StringComparer.Ordinal);
        var queries = DashboardQueries().ToList();
        Assert.NotEmpty(queries);

        var missing = queries.SelectMany(q => MetricNames(q).Select(m => (Metric: m, Query: q))).Where(x => !series.Contains(x.Metric)).ToList();

        Assert.True(missing.Count == 0, "The dashboard queries metrics nothing emits:\n" + string.Join("\n", missing.Select(x => $"  {x.Metric}  in  {x.Query}")) +
                                        "\nEmitted: " + string.Join(", ", series.Order(StringComparer.Ordinal)));
    }

    [Fact]
    public void Every_MikuCloud_instrument_has_a_panel()
    {
        var queried = DashboardQueries().SelectMany(MetricNames).ToHashSet(StringComparer.Ordinal);

        foreach (var instrument in Emitted.Value.Where(i => i.Meter == ChatTelemetry.Name))
        {
            Assert.True(PrometheusNames.Series(instrument.Name, instrument.Unit, instrument.Kind).Any(queried.Contains), $"no panel shows {instrument.Name}");
        }
    }

    [Fact]
    public void Dashboard_labels_are_the_tags_the_code_records()
    {
        var tags = typeof(ChatTelemetry).GetFields().Where(f => f.IsLiteral && f.Name.EndsWith("Tag", StringComparison.Ordinal)).Select(f => PrometheusNames.Label((string)f.GetRawConstantValue()!));
        // le: histogram buckets; job/instance: from service.name/service.instance.id; pod/namespace: the collector's
        // transform processor; gen_ai_operation_name: the GenAI semantic conventions (UseOpenTelemetry).
        var allowed = tags.Concat(["le", "job", "instance", "pod", "namespace", PrometheusNames.Label("gen_ai.operation.name")]).ToHashSet(StringComparer.Ordinal);
        var collector = File.ReadAllText(Repo.PathOf("deploy", "k8s", "base", "otel-collector", "config.yaml"));
        Assert.Contains("attributes[\"pod\"]", collector, StringComparison.Ordinal);
        Assert.Contains("attributes[\"namespace\"]", collector, StringComparison.Ordinal);

        var used = DashboardQueries().SelectMany(LabelNames).ToHashSet(StringComparer.Ordinal);

        Assert.Subset(allowed, used);
    }

    [Theory]
    [MemberData(nameof(Kustomize.OverlayNames), MemberType = typeof(Kustomize))]
    public void Apps_send_OTLP_to_the_collector_and_Prometheus_scrapes_its_endpoint(string overlay)
    {
        var rendered = Kustomize.Render(overlay);
        var collector = rendered.Workload("otel-collector");
        var service = rendered.One<V1Service>("otel-collector");
        var config = CollectorConfig(rendered, collector.Container("otel-collector"));

        // Pipelines use only defined components, and every signal has one.
        var service_ = Map(config, "service");
        foreach (var (signal, pipeline) in Map(service_, "pipelines"))
        {
            foreach (var section in new[] { "receivers", "processors", "exporters" })
            {
                foreach (var component in List(Map(pipeline), section))
                {
                    Assert.True(Map(config, section).ContainsKey(component), $"{overlay}: pipeline {signal} uses undefined {section} '{component}'");
                }
            }
        }

        Assert.Equal(["logs", "metrics", "traces"], Map(service_, "pipelines").Keys.Cast<string>().Order());

        // OTLP: the apps' endpoint is the collector Service's gRPC port, which the receiver listens on.
        var grpcPort = Port(Map(Map(Map(Map(config, "receivers"), "otlp"), "protocols"), "grpc")["endpoint"]);
        Assert.Equal(grpcPort, service.Spec.Ports.Single(p => p.Name == "otlp-grpc").Port);
        foreach (var app in new[] { "api", "web" })
        {
            var env = ContainerEnv.Of(rendered, rendered.Workload(app).Container(app));
            Assert.Equal($"http://{service.Metadata.Name}:{grpcPort}", env["OTEL_EXPORTER_OTLP_ENDPOINT"]);
            Assert.Equal("grpc", env["OTEL_EXPORTER_OTLP_PROTOCOL"]);
            Assert.Equal(app, env["OTEL_SERVICE_NAME"]);
        }

        // Prometheus: the exporter's port is the Service port the scrape job keeps.
        var metricsPort = Port(Map(Map(config, "exporters"), "prometheus")["endpoint"]);
        var exposed = service.Spec.Ports.Single(p => p.Port == metricsPort);
        var scrape = new DeserializerBuilder().Build().Deserialize<Dictionary<object, object>>(File.ReadAllText(Repo.PathOf("deploy", "telemetry", "prometheus.yml")));
        var job = Map(List<object>(scrape, "scrape_configs").Single());
        var keep = Map(List<object>(job, "relabel_configs").Single(r => (string)Map(r)["action"] == "keep"));
        Assert.Matches("^(?:" + (string)keep["regex"] + ")$", $"{service.Metadata.Name};{exposed.Name}");
        Assert.Contains("mikucloud", List(Map(Map(List<object>(job, "kubernetes_sd_configs").Single()), "namespaces"), "names"));
        Assert.Equal("true", job["honor_labels"].ToString()!.ToLowerInvariant());

        // With the Aspire dashboard, the collector forwards every signal to its OTLP port.
        if (rendered.Find<V1Service>("aspire-dashboard") is { } dashboard)
        {
            var aspire = Map(Map(config, "exporters"), "otlp/aspire");
            Assert.Equal($"{dashboard.Metadata.Name}:{dashboard.Spec.Ports.Single(p => p.Name == "otlp-grpc").Port}", aspire["endpoint"]);
            foreach (var (_, pipeline) in Map(service_, "pipelines"))
            {
                Assert.Contains("otlp/aspire", List(Map(pipeline), "exporters"));
            }
        }
    }

    /// <summary>The collector's effective configuration: its --config files, merged in order (maps merge, lists replace).</summary>
    private static Dictionary<object, object> CollectorConfig(Rendered rendered, V1Container container)
    {
        var mount = container.VolumeMounts.Single(m => m.Name == "config");
        var volume = rendered.Workload("otel-collector").Pod.Volumes.Single(v => v.Name == mount.Name);
        var files = rendered.ConfigMapNamed(volume.ConfigMap.Name)!.Data;
        var merged = new Dictionary<object, object>();
        foreach (var arg in container.Args.Where(a => a.StartsWith("--config=", StringComparison.Ordinal)))
        {
            var path = arg["--config=".Length..];
            Assert.StartsWith(mount.MountPath + "/", path, StringComparison.Ordinal);
            var layer = new DeserializerBuilder().Build().Deserialize<Dictionary<object, object>>(files[path[(mount.MountPath.Length + 1)..]]);
            Merge(merged, layer);
        }

        return merged;
    }

    private static void Merge(Dictionary<object, object> into, Dictionary<object, object> layer)
    {
        foreach (var (key, value) in layer)
        {
            if (value is Dictionary<object, object> map && into.TryGetValue(key, out var existing) && existing is Dictionary<object, object> target)
            {
                Merge(target, map);
            }
            else
            {
                into[key] = value;
            }
        }
    }

    private static Dictionary<object, object> Map(object node) => node as Dictionary<object, object> ?? [];

    private static Dictionary<object, object> Map(Dictionary<object, object> node, string key) =>
        node.TryGetValue(key, out var value) && value is Dictionary<object, object> map ? map : [];

    private static List<string> List(Dictionary<object, object> node, string key) => List<object>(node, key).Select(o => o.ToString()!).ToList();

    private static List<T> List<T>(Dictionary<object, object> node, string key) =>
        node.TryGetValue(key, out var value) && value is List<object> list ? list.Cast<T>().ToList() : [];

    private static int Port(object endpoint) => int.Parse(((string)endpoint).Split(':')[^1], System.Globalization.CultureInfo.InvariantCulture);

    private static List<EmittedInstrument> DiscoverInstruments()
    {
        var found = new List<EmittedInstrument>();
        using var listener = new MeterListener
        {
            InstrumentPublished = (instrument, _) =>
            {
                if (instrument.Meter.Name == ChatTelemetry.Name || instrument.Meter.Name.StartsWith("Experimental.Microsoft.Extensions.AI", StringComparison.Ordinal))
                {
                    lock (found)
                    {
                        found.Add(new EmittedInstrument(instrument.Meter.Name, instrument.Name, instrument.Unit, PrometheusNames.KindOf(instrument)));
                    }
                }
            },
        };
        listener.Start();

        // MikuCloud's meter, as the API creates it (chat, batch and replica-routing instruments), and the GenAI instruments of the API's chat client pipeline
        // (UseOpenTelemetry over OllamaSharp, as in ChatSetup).
        using var services = new ServiceCollection().AddMetrics().BuildServiceProvider();
        using var telemetry = new ChatTelemetry(services.GetRequiredService<IMeterFactory>());
        using var batches = new MikuCloud.Api.Batches.BatchTelemetry(services.GetRequiredService<IMeterFactory>());
        using var replicas = new MikuCloud.Api.Ollama.ReplicaTelemetry(services.GetRequiredService<IMeterFactory>());
        using var ollama = new OllamaApiClient(new Uri("http://127.0.0.1:9"), "miku-vl");
        using var chat = new ChatClientBuilder(ollama).UseOpenTelemetry().Build();

        lock (found)
        {
            return found.Distinct().ToList();
        }
    }

    private sealed record EmittedInstrument(string Meter, string Name, string? Unit, PrometheusNames.Kind Kind);
}

using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Diagnostics.HealthChecks;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Logging;
using OpenTelemetry;
using OpenTelemetry.Metrics;
using OpenTelemetry.Trace;

namespace Microsoft.Extensions.Hosting;

/// <summary>
/// Common Aspire services: service discovery, resilience, health checks and OpenTelemetry.
/// Every MikuCloud service calls <see cref="AddServiceDefaults{TBuilder}"/> once at startup.
/// </summary>
public static class Extensions
{
    /// <summary>Liveness: the process answers. Readiness adds every registered check.</summary>
    public const string HealthEndpointPath = "/health";

    /// <summary>Liveness probe path: only checks tagged <c>live</c>.</summary>
    public const string AlivenessEndpointPath = "/alive";

    /// <summary>
    /// Meters that MikuCloud services publish in addition to the ASP.NET Core, HttpClient and runtime ones.
    /// <c>Experimental.Microsoft.Extensions.AI</c> carries the GenAI semantic-convention instruments.
    /// </summary>
    public static readonly string[] AdditionalMeters = ["MikuCloud.*", "Experimental.Microsoft.Extensions.AI"];

    /// <summary>Activity sources MikuCloud services publish spans on.</summary>
    public static readonly string[] AdditionalSources = ["MikuCloud.*", "Experimental.Microsoft.Extensions.AI"];

    public static TBuilder AddServiceDefaults<TBuilder>(this TBuilder builder) where TBuilder : IHostApplicationBuilder
    {
        builder.ConfigureOpenTelemetry();
        builder.AddDefaultHealthChecks();
        builder.Services.AddServiceDiscovery();

        builder.Services.ConfigureHttpClientDefaults(http =>
        {
            // Ordinary service-to-service calls get the standard pipeline (retries, 10 s attempt / 30 s total).
            // Calls to Ollama replace it with OllamaHttpPolicy: see AddOllamaResilienceHandler.
            http.AddStandardResilienceHandler();
            http.AddServiceDiscovery();
        });
        // A refused start is one line (StartupRefusal), not the host's logged stack trace.
        builder.Logging.AddStartupRefusalConsoleFilter();

        return builder;
    }

    public static TBuilder ConfigureOpenTelemetry<TBuilder>(this TBuilder builder) where TBuilder : IHostApplicationBuilder
    {
        builder.Logging.AddOpenTelemetry(logging =>
        {
            logging.IncludeFormattedMessage = true;
            logging.IncludeScopes = true;
        });

        builder.Services.AddOpenTelemetry()
            .WithMetrics(metrics => metrics
                .AddAspNetCoreInstrumentation()
                .AddHttpClientInstrumentation()
                .AddRuntimeInstrumentation()
                .AddMeter(AdditionalMeters)
                // The GenAI instruments' own buckets double at each step (0.64, 1.28, 2.56 s…): a 0.7 s first chunk
                // would read 1.28 s. The dashboards' percentiles need them at most 10 % apart, like MikuCloud's own.
                .AddView("gen_ai.client.operation.time_to_first_chunk", new ExplicitBucketHistogramConfiguration { Boundaries = [.. HistogramBuckets.Latency] })
                .AddView("gen_ai.client.operation.duration", new ExplicitBucketHistogramConfiguration { Boundaries = [.. HistogramBuckets.Duration] }))
            .WithTracing(tracing => tracing
                .AddSource(builder.Environment.ApplicationName)
                .AddSource(AdditionalSources)
                .AddAspNetCoreInstrumentation(o =>
                {
                    // Probes and static files would drown the real traffic in the dashboard.
                    o.Filter = TraceFilter.IsTraced;
                    // Each SignalR hub call is a trace of its own: for a Blazor circuit that is every render
                    // acknowledgement, JS interop reply and keystroke event (ComponentHub/*), one span each, saying
                    // nothing. What a user's action does that matters (the Web's calls to the API, and the API's work)
                    // is traced from the Web's HTTP call on.
                    o.EnableAspNetCoreSignalRSupport = false;
                })
                .AddHttpClientInstrumentation(o => o.FilterHttpRequestMessage = _ => TraceFilter.IsOutgoingTraced()));

        if (!string.IsNullOrWhiteSpace(builder.Configuration["OTEL_EXPORTER_OTLP_ENDPOINT"]))
        {
            builder.Services.AddOpenTelemetry().UseOtlpExporter();
        }

        return builder;
    }

    public static TBuilder AddDefaultHealthChecks<TBuilder>(this TBuilder builder) where TBuilder : IHostApplicationBuilder
    {
        builder.Services.AddHealthChecks()
            .AddCheck("self", () => HealthCheckResult.Healthy(), ["live"]);
        return builder;
    }

    /// <summary>
    /// Maps <c>/health</c> (all checks must pass: ready for traffic) and <c>/alive</c> (only <c>live</c> checks).
    /// Unlike the template, they are mapped in every environment: Kubernetes probes and the AppHost use them.
    /// They reveal only status words, never exception details.
    /// </summary>
    public static WebApplication MapDefaultEndpoints(this WebApplication app)
    {
        // Probes (kubelet, the AppHost) carry no credentials; both apps require a user everywhere else.
        app.MapHealthChecks(HealthEndpointPath).AllowAnonymous();
        app.MapHealthChecks(AlivenessEndpointPath, new HealthCheckOptions { Predicate = r => r.Tags.Contains("live") }).AllowAnonymous();
        return app;
    }
}

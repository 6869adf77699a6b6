using System.Diagnostics;
using System.Net.WebSockets;
using System.Text;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.SignalR;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using OpenTelemetry;
using OpenTelemetry.Trace;

namespace MikuCloud.Tests.Telemetry;

/// <summary>
/// What ServiceDefaults exports as traces from a real host: a person's requests, not the probes, static files and
/// Blazor circuit chatter that once made up five of every six traces in the dashboard.
/// </summary>
public sealed class TraceNoiseTests : IAsyncDisposable
{
    private readonly List<Activity> exported = [];
    private readonly string webRoot = Directory.CreateTempSubdirectory("mikucloud-trace-").FullName;
    private WebApplication? app;

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task Probes_static_files_and_circuit_messages_start_no_trace_but_a_real_request_does()
    {
        var address = await StartAsync();
        // Probes and browsers send no trace context.
        using var http = new HttpClient(new SocketsHttpHandler { ActivityHeadersPropagator = null }) { BaseAddress = address };

        // What a browser and the orchestrator do all day.
        Assert.True((await http.GetAsync("/health", Ct)).IsSuccessStatusCode);
        Assert.True((await http.GetAsync("/alive", Ct)).IsSuccessStatusCode);
        Assert.True((await http.GetAsync("/css/site.css", Ct)).IsSuccessStatusCode);
        Assert.True((await http.GetAsync("/favicon.ico", Ct)).IsSuccessStatusCode);
        await CircuitMessagesAsync(address);
        // …and one thing a person did.
        Assert.True((await http.GetAsync("/api/ping", Ct)).IsSuccessStatusCode);
        await app!.StopAsync(Ct);

        List<Activity> spans;
        lock (exported)
        {
            spans = [.. exported];
        }

        // Sources are process-wide (other tests run hosts too): keep this host's spans, by its port.
        spans = spans.Where(s => Equals(s.GetTagItem("server.port"), address.Port)).ToList();
        Assert.Equal(["GET /api/ping"], spans.Where(s => s.Kind == ActivityKind.Server).Select(s => s.DisplayName));
        Assert.DoesNotContain(spans, s => s.Source.Name.Contains("SignalR", StringComparison.Ordinal));
        // Calls the host made: the real request's is in its trace; the health check's (as the API's asks Ollama) is nowhere.
        var ping = spans.Single(s => s.Kind == ActivityKind.Server);
        var calls = spans.Where(s => s.Kind == ActivityKind.Client && s.ParentSpanId != default).ToList();
        Assert.Equal([ping.SpanId], calls.Select(c => c.ParentSpanId));
    }

    private async Task<Uri> StartAsync()
    {
        Directory.CreateDirectory(Path.Combine(webRoot, "css"));
        await File.WriteAllTextAsync(Path.Combine(webRoot, "css", "site.css"), "body { color: #39c5bb; }", Ct);
        await File.WriteAllBytesAsync(Path.Combine(webRoot, "favicon.ico"), [0, 0, 1, 0], Ct);
        var builder = WebApplication.CreateBuilder(new WebApplicationOptions { WebRootPath = webRoot, EnvironmentName = "Development" });
        builder.Configuration["OTEL_EXPORTER_OTLP_ENDPOINT"] = "";
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        builder.Logging.ClearProviders();
        builder.AddServiceDefaults();
        builder.Services.ConfigureOpenTelemetryTracerProvider(t => t.AddProcessor(new Exported(exported)));
        builder.Services.AddSignalR();
        // Like the API's readiness check, which asks Ollama for the model on every /health.
        builder.Services.AddHealthChecks().AddCheck<CallingCheck>("upstream");
        builder.Services.AddHttpClient("self");
        app = builder.Build();
        app.UseStaticFiles();
        app.MapDefaultEndpoints();
        app.MapHub<EchoHub>("/_blazor");
        app.MapGet("/api/ping", async (IHttpClientFactory clients, IServer server) =>
        {
            using var client = clients.CreateClient("self");
            return await client.GetStringAsync(Address(server) + "alive");
        });
        await app.StartAsync(Ct);
        return Address(app.Services.GetRequiredService<IServer>());
    }

    private static Uri Address(IServer server) => new(server.Features.Get<IServerAddressesFeature>()!.Addresses.First().TrimEnd('/') + "/");

    /// <summary>A circuit's traffic: the SignalR handshake and hub calls over a WebSocket, as blazor.web.js sends them.</summary>
    private static async Task CircuitMessagesAsync(Uri address)
    {
        using var socket = new ClientWebSocket();
        await socket.ConnectAsync(new Uri($"ws://{address.Authority}/_blazor"), Ct);
        await SendAsync(socket, """{"protocol":"json","version":1}""");
        await ReceiveAsync(socket);
        for (var i = 0; i < 3; i++)
        {
            await SendAsync(socket, $$"""{"type":1,"invocationId":"{{i}}","target":"Echo","arguments":["render {{i}}"]}""");
            Assert.Contains($"render {i}", await ReceiveAsync(socket), StringComparison.Ordinal);
        }

        await socket.CloseAsync(WebSocketCloseStatus.NormalClosure, null, Ct);
    }

    private static Task SendAsync(ClientWebSocket socket, string message) =>
        socket.SendAsync(Encoding.UTF8.GetBytes(message + "\u001e"), WebSocketMessageType.Text, true, Ct);

    private static async Task<string> ReceiveAsync(ClientWebSocket socket)
    {
        var buffer = new byte[4096];
        var text = new StringBuilder();
        while (!text.ToString().Contains('\u001e', StringComparison.Ordinal))
        {
            var result = await socket.ReceiveAsync(buffer, Ct);
            text.Append(Encoding.UTF8.GetString(buffer, 0, result.Count));
        }

        return text.ToString();
    }

    public async ValueTask DisposeAsync()
    {
        if (app is not null)
        {
            await app.DisposeAsync();
        }

        Directory.Delete(webRoot, recursive: true);
    }

    /// <summary>What an exporter gets: the spans the SDK recorded (a filtered request's span ends unrecorded).</summary>
    private sealed class Exported(List<Activity> spans) : BaseProcessor<Activity>
    {
        public override void OnEnd(Activity data)
        {
            if (data.Recorded)
            {
                lock (spans)
                {
                    spans.Add(data);
                }
            }
        }
    }

    private sealed class CallingCheck(IHttpClientFactory clients, IServer server) : IHealthCheck
    {
        public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
        {
            using var client = clients.CreateClient("self");
            await client.GetStringAsync(Address(server) + "alive", cancellationToken);
            return HealthCheckResult.Healthy();
        }
    }

    /// <summary>Stands in for Blazor's ComponentHub.</summary>
    public sealed class EchoHub : Hub
    {
        public string Echo(string text) => text;
    }
}

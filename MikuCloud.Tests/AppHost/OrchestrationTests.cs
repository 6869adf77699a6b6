using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Aspire.Hosting;
using Aspire.Hosting.ApplicationModel;
using Aspire.Hosting.Testing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using MikuCloud.Testing;

namespace MikuCloud.Tests.AppHost;

/// <summary>
/// The real AppHost under DCP in external mode: api and web start as processes against a fake Ollama on
/// loopback, the house model is provisioned through the AppHost, and everything turns healthy.
/// </summary>
public class OrchestrationTests
{
    [Fact]
    public async Task External_mode_provisions_the_model_and_brings_api_and_web_up_healthy()
    {
        var ct = TestContext.Current.CancellationToken;
        await using var fake = await FakeOllama.StartAsync();
        fake.PullLineDelay = TimeSpan.FromMilliseconds(150); // slow enough for each percentage to show
        var dataDir = Directory.CreateTempSubdirectory("mikucloud-orch");
        var builder = await DistributedApplicationTestingBuilder.CreateAsync<Projects.MikuCloud_AppHost>(
            [
                "Ollama:Mode=external",
                // The test reads the Web anonymously; accounts are covered by the security tests.
                "Parameters:auth-mode=SingleUser",
                $"ConnectionStrings:ollama={fake.ConnectionString}",
                $"ConnectionStrings:chatdb=Data Source={Path.Combine(dataDir.FullName, "chat.db")}",
            ], ct);
        builder.Services.AddLogging(logging => logging.AddFakeLogging());
        await using var app = await builder.BuildAsync(ct);
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(ct);
        timeout.CancelAfter(TimeSpan.FromMinutes(4));

        var states = new List<string>();
        var watching = Task.Run(async () =>
        {
            await foreach (var e in app.ResourceNotifications.WatchAsync(timeout.Token))
            {
                if (e.Resource.Name == "miku-vl" && e.Snapshot.State?.Text is { } state && (states.Count == 0 || states[^1] != state))
                {
                    lock (states)
                    {
                        states.Add(state);
                    }
                }
            }
        }, timeout.Token);

        await app.StartAsync(timeout.Token);
        await app.ResourceNotifications.WaitForResourceHealthyAsync("miku-vl", timeout.Token);
        await app.ResourceNotifications.WaitForResourceHealthyAsync("api", timeout.Token);
        await app.ResourceNotifications.WaitForResourceHealthyAsync("web", timeout.Token);

        // The dashboard showed the download as it went, then the creation, then Running.
        string[] seen;
        lock (states)
        {
            seen = [.. states];
        }

        Assert.Contains("Waiting for Ollama", seen);
        Assert.Contains("Downloading 50%", seen);
        Assert.Contains("Downloading 100%", seen);
        Assert.Contains("Creating", seen);
        Assert.Equal("Running", seen[^1]);
        Assert.True(Array.IndexOf(seen, "Downloading 50%") < Array.IndexOf(seen, "Creating"));

        // The AppHost pulled the base and created the house model from modelfiles/ in the fake.
        Assert.Contains("/api/pull", fake.Paths);
        var created = fake.GetModel("miku-vl")!;
        Assert.Equal("qwen3-vl:8b-instruct-q4_K_M", created.From);
        Assert.Equal("16384", created.Parameters["num_ctx"]);

        // The API process reaches the fake through ConnectionStrings:ollama and reports the model ready.
        using var api = app.CreateHttpClient("api");
        var models = await api.GetFromJsonAsync<JsonArray>("/api/models", timeout.Token);
        Assert.Equal("ready", models![0]!["status"]!.GetValue<string>());
        var presets = await api.GetFromJsonAsync<JsonArray>("/api/presets", timeout.Token);
        Assert.Equal(6, presets!.Count);

        // The Web process reaches the API by service discovery and renders its presets.
        using var web = app.CreateHttpClient("web");
        // Blazor writes CJK as character references; decode as the browser does.
        var html = System.Net.WebUtility.HtmlDecode(await web.GetStringAsync("/", timeout.Token));
        Assert.Contains("均衡", html, StringComparison.Ordinal);
        Assert.Contains("ready", html, StringComparison.Ordinal);

        // The dashboard shows the external server as a running resource with its commands, and says which mode and why.
        Assert.True(app.ResourceNotifications.TryGetCurrentState("ollama", out var server));
        Assert.Equal(KnownResourceStates.Running, server.Snapshot.State?.Text);
        Assert.Contains(server.Snapshot.Properties, p => p.Name == MikuCloud.AppHost.Ollama.OllamaResourceBuilderExtensions.ModeProperty
            && Equals(p.Value, "external: Ollama:Mode=external is set."));
        var commands = server.Snapshot.Commands.Select(c => c.Name).ToList();
        Assert.Contains(MikuCloud.AppHost.Ollama.OllamaResourceBuilderExtensions.ListModelsCommand, commands);
        Assert.Contains(MikuCloud.AppHost.Ollama.OllamaResourceBuilderExtensions.RunningModelsCommand, commands);
        Assert.Contains(MikuCloud.AppHost.Ollama.OllamaResourceBuilderExtensions.UnloadAllCommand, commands);

        // The AppHost's console says where to chat, not only where the dashboard is.
        var webUrl = app.GetEndpoint("web", "http").ToString().TrimEnd('/');
        var said = await AppHostLinesAsync(app, line => line.StartsWith("MikuCloud is ready", StringComparison.Ordinal), timeout.Token);
        Assert.Contains($"MikuCloud is ready: open {webUrl} to chat.", said);
        Assert.Contains(said, l => l.StartsWith($"MikuCloud will be at {webUrl} once it is ready", StringComparison.Ordinal));

        await app.StopAsync(timeout.Token);
        await timeout.CancelAsync();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => watching);
        dataDir.Delete(recursive: true);
    }

    /// <summary>
    /// The AppHost's own console lines, once one matches <paramref name="until"/> or after 30 s (the ready event may come
    /// just after the health check passes).
    /// </summary>
    private static async Task<List<string>> AppHostLinesAsync(DistributedApplication app, Func<string, bool> until, CancellationToken ct)
    {
        var logs = app.Services.GetFakeLogCollector();
        var deadline = DateTime.UtcNow.AddSeconds(30);
        while (true)
        {
            var lines = logs.GetSnapshot().Where(r => r.Category == MikuCloud.AppHost.ProjectResourceExtensions.ConsoleCategory).Select(r => r.Message).ToList();
            if (lines.Any(until) || DateTime.UtcNow > deadline)
            {
                return lines;
            }

            await Task.Delay(100, ct);
        }
    }
}

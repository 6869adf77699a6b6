using System.Diagnostics.Metrics;
using System.Net.Http.Json;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.Metrics.Testing;
using MikuCloud.Api.Chat;
using ModelContextProtocol.Client;
using OpenAI.Chat;

namespace MikuCloud.Tests.OpenAi;

/// <summary>One chat path, three doors: every door's turns are the same metrics, told apart by <c>mikucloud.door</c>.</summary>
public class DoorTelemetryTests : OpenAiDoorTest
{
    [Fact]
    public async Task A_turn_through_each_door_is_counted_with_its_door()
    {
        using var requests = new MetricCollector<long>(api.Services.GetRequiredService<IMeterFactory>(), ChatTelemetry.Name, "mikucloud.chat.requests");
        using var ttft = new MetricCollector<double>(api.Services.GetRequiredService<IMeterFactory>(), ChatTelemetry.Name, "mikucloud.chat.time_to_first_token");
        var key = await KeyAsync();

        // The chat API (SSE), the OpenAI-compatible door, and an MCP tool.
        using (var script = WithApiKey(key))
        {
            using var sent = await script.PostAsJsonAsync("/api/conversations/messages", new { content = "你好" }, Ct);
            await sent.Content.ReadAsStringAsync(Ct);
        }

        await Sdk(key).GetChatClient("miku-vl").CompleteChatAsync([new UserChatMessage("hi")], cancellationToken: Ct);
        using var probe = api.CreateClient();
        var transport = new HttpClientTransport(new HttpClientTransportOptions
        {
            Endpoint = new Uri(probe.BaseAddress!, "/mcp"),
            AdditionalHeaders = new Dictionary<string, string> { ["Authorization"] = "Bearer " + key },
        });
        await using (var mcp = await McpClient.CreateAsync(transport, cancellationToken: Ct))
        {
            await mcp.CallToolAsync("ask", new Dictionary<string, object?> { ["question"] = "1+1?" }, cancellationToken: Ct);
        }

        Assert.Equal(["chat", "mcp", "openai"], requests.GetMeasurementSnapshot()
            .Where(m => (string?)m.Tags[ChatTelemetry.OutcomeTag] == "complete").Select(m => (string)m.Tags[ChatTelemetry.DoorTag]!).Order());
        Assert.Equal(["chat", "mcp", "openai"], ttft.GetMeasurementSnapshot().Select(m => (string)m.Tags[ChatTelemetry.DoorTag]!).Order());
    }
}

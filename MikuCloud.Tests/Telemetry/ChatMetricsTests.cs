using System.Diagnostics;
using System.Diagnostics.Metrics;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.Metrics.Testing;
using MikuCloud.Api.Chat;
using MikuCloud.Testing;
using MikuCloud.Tests.Api;
using MikuCloud.Tests.Images;

namespace MikuCloud.Tests.Telemetry;

/// <summary>After a chat against the fake Ollama, the instruments exist with the right names, units, tags and values.</summary>
public class ChatMetricsTests : ApiTest
{

    private MetricCollector<T> Collect<T>(string instrument) where T : struct =>
        new(api.Services.GetRequiredService<IMeterFactory>(), ChatTelemetry.Name, instrument);

    [Fact]
    public async Task A_chat_with_an_image_records_latency_throughput_tokens_and_image_metrics()
    {
        using var ttft = Collect<double>("mikucloud.chat.time_to_first_token");
        using var duration = Collect<double>("mikucloud.chat.duration");
        using var output = Collect<double>("mikucloud.chat.output_throughput");
        using var prefill = Collect<double>("mikucloud.chat.prefill_throughput");
        using var tokens = Collect<long>("mikucloud.chat.tokens");
        using var requests = Collect<long>("mikucloud.chat.requests");
        using var active = Collect<int>("mikucloud.chat.active_streams");
        using var imageTime = Collect<double>("mikucloud.image.preprocess.duration");
        using var saved = Collect<long>("mikucloud.image.bytes_saved");
        using var genAi = new GenAiDurations();
        api.Ollama.Chat = _ => new FakeChatReply { PromptEvalCount = 1130 };
        var id = await api.NewConversationAsync(presetId: "vision");
        var photo = Convert.ToBase64String(TestImages.Jpeg(TestImages.PhotoLike(3000, 2000)));

        using var response = await api.CreateClient().SendAsync(id, new { content = "描述", images = new[] { new { data = photo } } }, TestContext.Current.CancellationToken);
        await Sse.AllAsync(response, TestContext.Current.CancellationToken);

        var first = Assert.Single(ttft.GetMeasurementSnapshot());
        Assert.InRange(first.Value, 0.0001, 30);
        Assert.Equal("miku-vl", first.Tags[ChatTelemetry.ModelTag]);
        Assert.Equal("vision", first.Tags[ChatTelemetry.PresetTag]);
        Assert.Equal(true, first.Tags[ChatTelemetry.HasImagesTag]);
        Assert.Equal("s", ttft.Instrument!.Unit);
        Assert.True(Assert.Single(duration.GetMeasurementSnapshot()).Value >= first.Value);
        Assert.Equal(Math.Round(4 / 0.208285, 2), Assert.Single(output.GetMeasurementSnapshot()).Value);
        Assert.Equal("{token}/s", output.Instrument!.Unit);
        Assert.Equal(Math.Round(1130 / 0.359682, 2), Assert.Single(prefill.GetMeasurementSnapshot()).Value);
        var byType = tokens.GetMeasurementSnapshot().ToDictionary(m => (string)m.Tags[ChatTelemetry.TokenTypeTag]!, m => m.Value);
        Assert.Equal(1130, byType["input"]);
        Assert.Equal(4, byType["output"]);
        Assert.Equal("complete", Assert.Single(requests.GetMeasurementSnapshot()).Tags[ChatTelemetry.OutcomeTag]);
        Assert.Equal([1, -1], active.GetMeasurementSnapshot().Select(m => m.Value));
        Assert.Single(imageTime.GetMeasurementSnapshot());
        Assert.True(Assert.Single(saved.GetMeasurementSnapshot()).Value > 0, "a 6 MP photo shrinks");
        Assert.Equal("By", saved.Instrument!.Unit);
        // The GenAI semantic-convention instrument from UseOpenTelemetry, on its own meter.
        // That meter is process-wide (not from the DI meter factory): keep this test's calls, by the fake's port. It is
        // recorded when the stream is disposed, just after the done event went out, so give it a moment.
        // Recorded when the stream is disposed, just after the done event went out, so give it a moment.
        for (var i = 0; i < 50 && genAi.Of(api.Ollama.Endpoint.Port).Length == 0; i++)
        {
            await Task.Delay(100, TestContext.Current.CancellationToken);
        }

        var operation = Assert.Single(genAi.Of(api.Ollama.Endpoint.Port));
        Assert.InRange(operation.Value, 0.0001, 30);
        Assert.Equal("chat", operation.Tags["gen_ai.operation.name"]);
        Assert.Equal("miku-vl", operation.Tags["gen_ai.request.model"]);
    }

    [Fact]
    public async Task Failures_and_rejections_are_counted_by_outcome_and_reason()
    {
        using var requests = Collect<long>("mikucloud.chat.requests");
        using var rejections = Collect<long>("mikucloud.chat.rejections");
        var client = api.CreateClient();

        api.Ollama.Chat = _ => new FakeChatReply { ErrorAfterChunks = "boom" };
        using (var r = await client.SendAsync(await api.NewConversationAsync(), new { content = "a" }, TestContext.Current.CancellationToken))
        {
            await Sse.AllAsync(r, TestContext.Current.CancellationToken);
        }

        api.Ollama.Chat = _ => new FakeChatReply { Status = 503, ErrorBody = OllamaWire.Text("error-busy.json") };
        using (await client.SendAsync(await api.NewConversationAsync(), new { content = "b" }, TestContext.Current.CancellationToken))
        {
        }

        Assert.Equal(["failed", "rejected"], requests.GetMeasurementSnapshot().Select(m => (string)m.Tags[ChatTelemetry.OutcomeTag]!));
        Assert.Equal("upstream_busy", Assert.Single(rejections.GetMeasurementSnapshot()).Tags[ChatTelemetry.ReasonTag]);
    }

    [Fact]
    public async Task A_chat_turn_is_one_trace_from_the_api_request_to_the_ollama_call()
    {
        var spans = new List<Activity>();
        using var listener = new ActivityListener
        {
            ShouldListenTo = s => s.Name is "Microsoft.AspNetCore" or "System.Net.Http" or ChatTelemetry.Name or "Experimental.Microsoft.Extensions.AI",
            Sample = (ref ActivityCreationOptions<ActivityContext> _) => ActivitySamplingResult.AllDataAndRecorded,
            ActivityStopped = a => { lock (spans) { spans.Add(a); } },
        };
        ActivitySource.AddActivityListener(listener);
        var id = await api.NewConversationAsync();
        using var parent = new Activity("browser-action").Start(); // stands in for the Web's span: its context travels in traceparent

        using var response = await api.CreateClient().SendAsync(id, new { content = "hi" }, TestContext.Current.CancellationToken);
        await Sse.AllAsync(response, TestContext.Current.CancellationToken);
        parent.Stop();
        await Task.Delay(200, TestContext.Current.CancellationToken);

        List<Activity> trace;
        lock (spans)
        {
            trace = spans.Where(s => s.TraceId == parent.TraceId).ToList();
        }

        var server = Assert.Single(trace, s => s.Kind == ActivityKind.Server && s.DisplayName.Contains("messages", StringComparison.Ordinal));
        var chat = Assert.Single(trace, s => s.Source.Name == "Experimental.Microsoft.Extensions.AI");
        var ollamaCall = Assert.Single(trace, s => s.Kind == ActivityKind.Client && s.GetTagItem("url.full")?.ToString()?.EndsWith("/api/chat", StringComparison.Ordinal) == true);
        Assert.Contains(trace, s => s.DisplayName == "mikucloud.chat.build_prompt");
        Assert.Contains(trace, s => s.DisplayName == "mikucloud.chat.persist_answer");
        Assert.Equal("chat miku-vl", chat.DisplayName);
        Assert.True(IsAncestor(server, ollamaCall, trace), "the Ollama call is under the API request");
        Assert.True(IsAncestor(chat, ollamaCall, trace), "the Ollama call is under the GenAI chat span");
        Assert.Null(chat.GetTagItem("gen_ai.input.messages")); // content is not exported by default
    }

    private static bool IsAncestor(Activity ancestor, Activity child, List<Activity> all)
    {
        for (var id = child.ParentSpanId; id != default;)
        {
            if (id == ancestor.SpanId)
            {
                return true;
            }

            id = all.FirstOrDefault(a => a.SpanId == id)?.ParentSpanId ?? default;
        }

        return false;
    }
}

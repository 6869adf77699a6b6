using System.Diagnostics;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Testing;
using MikuCloud.Api.Chat;
using MikuCloud.Testing;
using MikuCloud.Tests.Api;

namespace MikuCloud.Tests.Telemetry;

/// <summary>
/// What an operator sees for the two ways an answer ends early: a model failure is an error (span status,
/// <c>error.type</c>, the GenAI duration's <c>error.type</c>, a Warning with Ollama's message); a user's Stop is a
/// normal outcome (no error anywhere, no Error log, no stack trace).
/// </summary>
public sealed class ChatOutcomeTelemetryTests : ApiTest, IDisposable
{
    private const string GenAiSource = GenAiDurations.MeterName;
    private readonly List<Activity> spans = [];
    private readonly GenAiDurations durations = new();
    private readonly ActivityListener spanListener;
    private readonly FakeLogCollector logs = FakeLogCollector.Create(new FakeLogCollectorOptions());

    public ChatOutcomeTelemetryTests()
    {
        spanListener = new ActivityListener
        {
            ShouldListenTo = s => s.Name is "Microsoft.AspNetCore" or "System.Net.Http" or ChatTelemetry.Name or GenAiSource,
            Sample = (ref ActivityCreationOptions<ActivityContext> _) => ActivitySamplingResult.AllDataAndRecorded,
            ActivityStopped = a => { lock (spans) { spans.Add(a); } },
        };
        ActivitySource.AddActivityListener(spanListener);
    }

    public void Dispose()
    {
        spanListener.Dispose();
        durations.Dispose();
    }

    [Fact]
    public async Task A_model_failure_mid_stream_is_an_error_span_an_error_duration_and_one_warning_with_ollamas_message()
    {
        const string ollamaSays = "an error was encountered while running the model: CUDA error: out of memory";
        api.Ollama.Chat = _ => new FakeChatReply { Chunks = ["写到", "一半"], ErrorAfterChunks = ollamaSays };
        CaptureLogs();
        var id = await api.NewConversationAsync();
        using var parent = new Activity("browser-action").Start();

        using (var response = await api.CreateClient().SendAsync(id, new { content = "写一首诗" }, Ct))
        {
            Assert.Equal("error", (await Sse.AllAsync(response, Ct))[^1].Name);
        }

        parent.Stop();
        var chat = await ChatSpanAsync(parent.TraceId);
        Assert.Equal(ActivityStatusCode.Error, chat.Status);
        Assert.Contains("out of memory", chat.StatusDescription, StringComparison.Ordinal);
        Assert.NotNull(chat.GetTagItem("error.type"));
        var duration = await DurationAsync();
        Assert.Equal(chat.GetTagItem("error.type"), duration.Tags.GetValueOrDefault("error.type"));
        Assert.Single(logs.GetSnapshot(), l => l.Level == LogLevel.Warning && l.Message.Contains(ollamaSays, StringComparison.Ordinal));
        Assert.DoesNotContain(logs.GetSnapshot(), l => l.Level >= LogLevel.Error);
    }

    [Fact]
    public async Task A_users_stop_is_a_normal_outcome_with_no_error_status_no_error_type_and_no_error_log()
    {
        api.Ollama.Chat = _ => new FakeChatReply { Chunks = ["一", "二", "三", "四", "五"], ChunkDelay = TimeSpan.FromSeconds(1) };
        CaptureLogs();
        var id = await api.NewConversationAsync();
        using var parent = new Activity("browser-action").Start();

        using (var abrupt = api.CreateAbruptClient())
        {
            using var response = await abrupt.SendAsync(id, new { content = "数到五" }, Ct);
            await foreach (var e in Sse.ReadAsync(response, cancellationToken: Ct))
            {
                if (e.Name == "delta")
                {
                    break;
                }
            }

            // The Web's Stop: it stops reading and tells the API (which keeps answering without a reader) to stop.
            var answer = (await api.MessagesAsync(id)).Single(m => m.Role == MessageRole.Assistant);
            using var stop = await abrupt.PostAsync($"/api/conversations/{id}/messages/{answer.Id}/stop", null, Ct);
            Assert.True(stop.IsSuccessStatusCode, $"stop answered {(int)stop.StatusCode}");
        }

        parent.Stop();
        Assert.True(await api.Ollama.ChatCancelled.WaitAsync(TimeSpan.FromSeconds(10), Ct), "Ollama's request was not cancelled");
        var chat = await ChatSpanAsync(parent.TraceId);
        Assert.NotEqual(ActivityStatusCode.Error, chat.Status);
        Assert.Null(chat.GetTagItem("error.type"));
        Assert.Equal("cancelled", chat.GetTagItem("mikucloud.outcome"));
        var duration = await DurationAsync();
        Assert.False(duration.Tags.ContainsKey("error.type"), "a stopped answer is not an error in gen_ai.client.operation.duration");
        for (var i = 0; i < 50 && (await api.MessagesAsync(id)).Any(m => m.Status == MessageStatus.Streaming); i++)
        {
            await Task.Delay(100, Ct);
        }

        Assert.Equal(MessageStatus.Cancelled, (await api.MessagesAsync(id))[^1].Status);
        Assert.DoesNotContain(logs.GetSnapshot(), l => l.Level >= LogLevel.Error);
        Assert.DoesNotContain(logs.GetSnapshot(), l => l.Level >= LogLevel.Warning && l.Exception is not null);
    }

    protected override void Configure(Dictionary<string, string?> settings)
    {
        settings["Chat:StallTimeout"] = "00:00:03";
        settings["Chat:HeartbeatInterval"] = "00:00:00.5";
    }

    [Fact]
    public async Task An_ollama_that_stalls_is_an_error_span_not_a_stop()
    {
        api.Ollama.Chat = _ => new FakeChatReply { Chunks = ["嗯"], HangAfterChunks = true };
        var id = await api.NewConversationAsync();
        using var parent = new Activity("browser-action").Start();

        using (var response = await api.CreateClient().SendAsync(id, new { content = "在吗" }, Ct))
        {
            Assert.Equal(ProblemCodes.Stalled, (await Sse.AllAsync(response, Ct))[^1].Data!["code"]!.GetValue<string>());
        }

        parent.Stop();
        var chat = await ChatSpanAsync(parent.TraceId);
        Assert.Equal(ActivityStatusCode.Error, chat.Status);
        Assert.Equal(typeof(TimeoutException).FullName, chat.GetTagItem("error.type"));
        Assert.Null(chat.GetTagItem("mikucloud.outcome"));
    }

    [Fact]
    public async Task Each_step_of_a_turn_is_one_span_under_its_own_name()
    {
        var id = await api.NewConversationAsync();
        using var parent = new Activity("browser-action").Start();

        using (var response = await api.CreateClient().SendAsync(id, new { content = "hi" }, Ct))
        {
            Assert.Equal("done", (await Sse.AllAsync(response, Ct))[^1].Name);
        }

        parent.Stop();
        await ChatSpanAsync(parent.TraceId);
        await Task.Delay(200, Ct);
        List<string> names;
        lock (spans)
        {
            names = spans.Where(s => s.TraceId == parent.TraceId && s.Source.Name == ChatTelemetry.Name).Select(s => s.DisplayName).ToList();
        }

        // The question and the empty answer are saved together: one persist_question, then the answer's own save.
        Assert.Equal(["mikucloud.chat.build_prompt", "mikucloud.chat.persist_answer", "mikucloud.chat.persist_question"], names.Order(StringComparer.Ordinal));
    }

    private void CaptureLogs() => api.Services.GetRequiredService<ILoggerFactory>().AddProvider(new FakeLoggerProvider(logs));

    private async Task<Activity> ChatSpanAsync(ActivityTraceId trace)
    {
        // The GenAI span ends when the stream is disposed, just after the last event went out.
        for (var i = 0; i < 100; i++)
        {
            lock (spans)
            {
                if (spans.FirstOrDefault(s => s.TraceId == trace && s.Source.Name == GenAiSource) is { } chat)
                {
                    return chat;
                }
            }

            await Task.Delay(100, Ct);
        }

        throw new InvalidOperationException("no chat span in the trace");
    }

    private async Task<(double Value, Dictionary<string, object?> Tags)> DurationAsync()
    {
        // That meter is process-wide: keep this test's calls, by the fake's port.
        for (var i = 0; i < 100; i++)
        {
            if (durations.Of(api.Ollama.Endpoint.Port) is [var only])
            {
                return only;
            }

            await Task.Delay(100, Ct);
        }

        throw new InvalidOperationException("no gen_ai.client.operation.duration for this test's turn");
    }
}

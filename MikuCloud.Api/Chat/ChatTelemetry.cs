using System.Diagnostics;
using System.Diagnostics.Metrics;

namespace MikuCloud.Api.Chat;

/// <summary>
/// MikuCloud's own chat instruments (meter <c>MikuCloud.Chat</c>) and spans (activity source <c>MikuCloud.Chat</c>),
/// next to the GenAI semantic-convention ones that <c>UseOpenTelemetry</c> emits. Buckets are sized for LLMs and for the
/// percentiles the dashboards read: first tokens from 10 ms to minutes (a cold model load), whole turns up to 10 minutes,
/// 1–400 tokens/s, with boundaries at most 10 % apart where real values fall.
/// Names are the contract with deploy/'s Grafana dashboard (a test checks every panel's metric exists here).
/// </summary>
public sealed class ChatTelemetry : IDisposable
{
    public const string Name = "MikuCloud.Chat";

    /// <summary>Tag keys.</summary>
    public const string ModelTag = "gen_ai.request.model", PresetTag = "mikucloud.preset", HasImagesTag = "mikucloud.has_images",
        OutcomeTag = "mikucloud.outcome", TokenTypeTag = "gen_ai.token.type", ReasonTag = "mikucloud.reason", KindTag = "mikucloud.kind",
        DoorTag = "mikucloud.door", ReplicaTag = "mikucloud.replica", RouteTag = "mikucloud.route";

    /// <summary>Every instrument name, for the dashboard check.</summary>
    public static readonly IReadOnlyList<string> InstrumentNames =
    [
        "mikucloud.chat.time_to_first_token", "mikucloud.chat.duration", "mikucloud.chat.output_throughput",
        "mikucloud.chat.prefill_throughput", "mikucloud.chat.tokens", "mikucloud.chat.active_streams",
        "mikucloud.chat.queue.wait", "mikucloud.chat.rejections", "mikucloud.chat.requests",
        "mikucloud.image.preprocess.duration", "mikucloud.image.bytes_saved", "mikucloud.chat.context.trimmed",
    ];

    public static readonly ActivitySource Source = new(Name);

    /// <summary>Time to first token: see <see cref="HistogramBuckets.Latency"/>.</summary>
    internal static readonly double[] LatencyBuckets = [.. HistogramBuckets.Latency];

    /// <summary>A whole turn: see <see cref="HistogramBuckets.Duration"/>.</summary>
    private static readonly double[] DurationBuckets = [.. HistogramBuckets.Duration];

    /// <summary>Tokens per second, 1 to ~400: one token/s apart below 20, then at most 10 % apart (48.5 reads ≤ 50, not 60).</summary>
    internal static readonly double[] RateBuckets = [.. HistogramBuckets.Fine(1, 400, step: 1)];

    /// <summary>Prefill tokens per second, 10 to ~20,000, at most 10 % apart from 100 up.</summary>
    internal static readonly double[] PrefillBuckets = [.. HistogramBuckets.Fine(10, 20_000, step: 10)];

    private static readonly double[] FastBuckets = [0.001, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5];

    private readonly Meter meter;

    public ChatTelemetry(IMeterFactory meters)
    {
        meter = meters.Create(Name);
        TimeToFirstToken = meter.CreateHistogram<double>("mikucloud.chat.time_to_first_token", "s", "Time from request to the first answer token.", advice: new() { HistogramBucketBoundaries = LatencyBuckets });
        Duration = meter.CreateHistogram<double>("mikucloud.chat.duration", "s", "Total time of a chat turn, until the last token.", advice: new() { HistogramBucketBoundaries = DurationBuckets });
        OutputRate = meter.CreateHistogram<double>("mikucloud.chat.output_throughput", "{token}/s", "Generation speed reported by Ollama (eval_count / eval_duration).", advice: new() { HistogramBucketBoundaries = RateBuckets });
        PrefillRate = meter.CreateHistogram<double>("mikucloud.chat.prefill_throughput", "{token}/s", "Prefill speed reported by Ollama (prompt_eval_count / prompt_eval_duration).", advice: new() { HistogramBucketBoundaries = PrefillBuckets });
        Tokens = meter.CreateCounter<long>("mikucloud.chat.tokens", "{token}", "Tokens processed, by gen_ai.token.type (input, output).");
        ActiveStreams = meter.CreateUpDownCounter<int>("mikucloud.chat.active_streams", "{stream}", "Answers being streamed now.");
        QueueWait = meter.CreateHistogram<double>("mikucloud.chat.queue.wait", "s", "Time a request waited for a generation slot.", advice: new() { HistogramBucketBoundaries = [.. FastBuckets, 4, 8, 15, 30, 60, 120, 300] });
        Rejections = meter.CreateCounter<long>("mikucloud.chat.rejections", "{request}", "Requests refused for capacity (queue_full, upstream_busy).");
        Requests = meter.CreateCounter<long>("mikucloud.chat.requests", "{request}", "Chat turns by outcome (complete, truncated, cancelled, failed, rejected).");
        ImageDuration = meter.CreateHistogram<double>("mikucloud.image.preprocess.duration", "s", "Time to validate, orient, strip and downscale one image.", advice: new() { HistogramBucketBoundaries = FastBuckets });
        ImageBytesSaved = meter.CreateCounter<long>("mikucloud.image.bytes_saved", "By", "Bytes removed by image preprocessing (original − stored).");
        ContextTrimmed = meter.CreateCounter<long>("mikucloud.chat.context.trimmed", "{item}", "History and knowledge given up to fit num_ctx, by mikucloud.kind (image, turn, passage).");
    }

    public Histogram<double> TimeToFirstToken { get; }
    public Histogram<double> Duration { get; }
    public Histogram<double> OutputRate { get; }
    public Histogram<double> PrefillRate { get; }
    public Counter<long> Tokens { get; }
    public UpDownCounter<int> ActiveStreams { get; }
    public Histogram<double> QueueWait { get; }
    public Counter<long> Rejections { get; }
    public Counter<long> Requests { get; }
    public Histogram<double> ImageDuration { get; }
    public Counter<long> ImageBytesSaved { get; }
    public Counter<long> ContextTrimmed { get; }

    public void Dispose() => meter.Dispose();
}

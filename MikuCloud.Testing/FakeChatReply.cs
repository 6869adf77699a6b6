namespace MikuCloud.Testing;

/// <summary>What the fake Ollama answers to one <c>POST /api/chat</c>.</summary>
public sealed record FakeChatReply
{
    /// <summary>The answer from ../shared/ollama-wire/chat-stream.ndjson.</summary>
    public static readonly IReadOnlyList<string> WireChunks = ["图片", "中是一只", "橘色的猫", "，趴在窗台上晒太阳。"];

    /// <summary>Content chunks streamed one per line.</summary>
    public IReadOnlyList<string> Chunks { get; init; } = WireChunks;

    /// <summary><c>stop</c> or <c>length</c>.</summary>
    public string DoneReason { get; init; } = "stop";

    /// <summary>Reported <c>prompt_eval_count</c>; when null, a rough count of the request.</summary>
    public int? PromptEvalCount { get; init; }

    /// <summary>
    /// When set, chunk <c>i</c>'s text is <c>ChunkText(i, Chunks[i])</c>, computed just before it is sent
    /// (the benchmarks stamp each chunk with its send time this way).
    /// </summary>
    public Func<int, string, string>? ChunkText { get; init; }

    /// <summary>Wait before the first chunk (model load + prefill).</summary>
    public TimeSpan FirstChunkDelay { get; init; }

    /// <summary>Wait between chunks.</summary>
    public TimeSpan ChunkDelay { get; init; }

    /// <summary>
    /// Send chunk <c>i</c> at <c>i × ChunkDelay</c> after the first one (a steady rate, as a GPU produces tokens) instead
    /// of waiting <see cref="ChunkDelay"/> after each write, which drifts with scheduling delays on a busy machine.
    /// </summary>
    public bool PaceFromFirstChunk { get; init; }

    /// <summary>An <c>{"error": …}</c> line sent after the chunks, ending the stream (a mid-stream failure).</summary>
    public string? ErrorAfterChunks { get; init; }

    /// <summary>
    /// Waits for this task after the chunks, then finishes normally: an answer that streams for as long as a test
    /// needs it to (e.g. while another user's requests run).
    /// </summary>
    public Task? FinishWhen { get; init; }

    /// <summary>Send no final line and wait until the client goes away.</summary>
    public bool HangAfterChunks { get; init; }

    /// <summary>Answer with this status and <see cref="ErrorBody"/> instead of a stream (404, 503, 400…).</summary>
    public int? Status { get; init; }

    /// <summary>Body for <see cref="Status"/>, e.g. the contents of error-busy.json.</summary>
    public string? ErrorBody { get; init; }

    /// <summary>Raw lines to send verbatim instead of the generated stream (garbage, odd shapes).</summary>
    public IReadOnlyList<string>? RawLines { get; init; }
}

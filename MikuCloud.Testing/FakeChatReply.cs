using System.Globalization;
using System.Text.Json.Nodes;

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

    /// <summary>
    /// Before chunk <c>Before</c> the stream waits for <c>Until</c>: an answer that stops half-way for as long as a test
    /// needs to look at it (a reload, a second tab), then goes on at its pace.
    /// </summary>
    public (int Before, Task Until)? Pause { get; init; }

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

    /// <summary>
    /// A model that always writes <paramref name="answer"/>, one chunk per character (its "tokens"), served as Ollama
    /// serves it: a trailing assistant message in <paramref name="request"/> is continued, not answered (Ollama's chat
    /// templates leave the last assistant turn open), so the reply is only what follows the text already there; and
    /// after <c>options.num_predict</c> tokens it stops with <c>done_reason: length</c>.
    /// </summary>
    public static FakeChatReply Writing(JsonObject request, string answer)
    {
        ArgumentNullException.ThrowIfNull(request);
        ArgumentNullException.ThrowIfNull(answer);
        var last = request["messages"] is JsonArray { Count: > 0 } messages ? messages[^1] : null;
        var written = last?["role"]?.GetValue<string>() == "assistant" && last["content"]?.GetValue<string>() is { } prefix
                      && answer.StartsWith(prefix, StringComparison.Ordinal)
            ? prefix.Length
            : 0;
        var tokens = new List<string>();
        var elements = StringInfo.GetTextElementEnumerator(answer[written..]);
        while (elements.MoveNext())
        {
            tokens.Add((string)elements.Current);
        }

        var limit = request["options"]?["num_predict"] is JsonValue value && value.TryGetValue<long>(out var n) && n > 0 ? (int)Math.Min(n, int.MaxValue) : int.MaxValue;
        return new FakeChatReply { Chunks = tokens.Take(limit).ToList(), DoneReason = tokens.Count > limit ? "length" : "stop" };
    }
}

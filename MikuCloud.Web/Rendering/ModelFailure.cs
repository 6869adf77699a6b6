using MikuCloud.Web.Localization;

namespace MikuCloud.Web.Rendering;

/// <summary>A failed answer's error as shown: a sentence in the UI language, and the model server's own words as detail.</summary>
/// <param name="Message">What went wrong, in the UI language.</param>
/// <param name="Detail">The raw text from the API (usually Ollama's English), or null when there is nothing more to say.</param>
public sealed record FailureText(string Message, string? Detail);

/// <summary>
/// Turns the error of a failed answer into words for the UI. The API forwards the model server's text as it came
/// (Ollama's English: "CUDA error: out of memory", "model \"miku-vl\" not found, try pulling it first"); the known kinds
/// get a translated sentence, the raw text stays available as detail (issue 13, item 7).
/// </summary>
public static class ModelFailure
{
    /// <summary>Errors the Web made itself; their message is already in the UI language.</summary>
    public static readonly IReadOnlySet<string> LocalCodes = new HashSet<string>(StringComparer.Ordinal) { "stream_ended", "stream_lost", "refused" };

    // Ollama's and the API's wording for each kind, matched case-insensitively anywhere in the text. Checked in order:
    // the first match wins ("out of memory" in a message that also says "context" is a memory problem).
    private static readonly (string Kind, string[] Phrases)[] Kinds =
    [
        ("outOfMemory", ["out of memory", "requires more system memory", "insufficient memory", "not enough memory", "cudamalloc failed"]),
        ("notFound", ["not found, try pulling", "model is not available", "not found"]),
        ("noVision", ["does not support vision", "does not support images"]),
        ("contextTooLong", ["context length", "context window", "context size", "exceeds the context", "prompt is too long", "input length"]),
        ("unreachable", ["connection refused", "actively refused", "cannot be reached", "no such host", "connection reset"]),
        ("busy", ["server busy", "queue is full", "maximum pending requests"]),
    ];

    /// <summary>The kind of failure (the <c>failure.*</c> text key's last part), or null when it is not a known one.</summary>
    public static string? KindOf(ErrorDto error)
    {
        ArgumentNullException.ThrowIfNull(error);
        switch (error.Code)
        {
            case ProblemCodes.ModelUnavailable: return "notFound";
            case ProblemCodes.OllamaUnreachable: return "unreachable";
            case ProblemCodes.Busy: return "busy";
            case ProblemCodes.ContextOverflow: return "contextTooLong";
            case ProblemCodes.Stalled: return "stalled";
            case ProblemCodes.TooLong: return "tooLong";
        }

        var text = error.Message ?? "";
        foreach (var (kind, phrases) in Kinds)
        {
            if (phrases.Any(p => text.Contains(p, StringComparison.OrdinalIgnoreCase)))
            {
                return kind;
            }
        }

        return error.Code is ProblemCodes.IncompleteAnswer or ProblemCodes.BadResponse || text.Contains("unexpected EOF", StringComparison.OrdinalIgnoreCase)
            ? "broken"
            : null;
    }

    /// <summary>The words for a failed answer's <paramref name="error"/> (null: the status's general help text).</summary>
    public static FailureText Describe(ErrorDto? error, UiText text)
    {
        ArgumentNullException.ThrowIfNull(text);
        if (error is null || string.IsNullOrWhiteSpace(error.Message))
        {
            return new FailureText(text["msg.status.failed.help"], null);
        }

        if (LocalCodes.Contains(error.Code))
        {
            return new FailureText(error.Message, null);
        }

        var kind = KindOf(error);
        return new FailureText(kind is null ? text["msg.status.failed.help"] : text[$"failure.{kind}"], error.Message);
    }
}

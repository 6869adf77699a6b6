using System.Globalization;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;

namespace MikuCloud.Testing;

/// <summary>
/// How the fake Ollama answers a rerank request (a chat whose <c>format</c> schema asks for <c>scores</c>): it reads the
/// question and the numbered <c>&lt;passage id="n"&gt;</c> blocks of the last user message and scores each 0–10 by the
/// share of the question's words it contains (CJK characters count one by one). A crude but honest reader, so a test can
/// show that reranking puts the passage that shares the question's words first.
/// </summary>
public static partial class FakeRerank
{
    /// <summary>The JSON answer to a rerank request, or null when <paramref name="body"/> is not one.</summary>
    public static string? Answer(JsonObject body)
    {
        ArgumentNullException.ThrowIfNull(body);
        // "format" is "json" or a schema; only a schema asking for scores is a rerank request.
        if (body["format"] is not JsonObject format || format["properties"] is not JsonObject properties || !properties.ContainsKey("scores")
            || body["messages"] is not JsonArray { Count: > 0 } messages)
        {
            return null;
        }

        var prompt = messages[^1]?["content"]?.GetValue<string>() ?? "";
        var question = QuestionLine().Match(prompt) is { Success: true } q ? Words(q.Groups[1].Value) : [];
        var scores = new JsonArray();
        foreach (Match passage in PassageBlock().Matches(prompt))
        {
            var words = Words(passage.Groups[2].Value);
            var shared = question.Count == 0 ? 0 : question.Count(words.Contains) * 10 / question.Count;
            scores.Add(new JsonObject { ["passage"] = int.Parse(passage.Groups[1].Value, CultureInfo.InvariantCulture), ["score"] = shared });
        }

        return new JsonObject { ["scores"] = scores }.ToJsonString();
    }

    /// <summary>A chat reply for <see cref="FakeOllama.Chat"/>: the scores for a rerank request, the wire answer otherwise.</summary>
    public static FakeChatReply ReplyTo(JsonObject body) => Answer(body) is { } json ? new FakeChatReply { Chunks = [json] } : new FakeChatReply();

    private static HashSet<string> Words(string text) =>
        [.. Word().Matches(text.ToLowerInvariant()).Select(m => m.Value)];

    [GeneratedRegex(@"^Question: (.*)$", RegexOptions.Multiline)]
    private static partial Regex QuestionLine();

    [GeneratedRegex("<passage id=\"(\\d+)\">\\n(.*?)\\n</passage>", RegexOptions.Singleline)]
    private static partial Regex PassageBlock();

    [GeneratedRegex(@"\p{IsCJKUnifiedIdeographs}|[\p{L}\p{N}]+")]
    private static partial Regex Word();
}

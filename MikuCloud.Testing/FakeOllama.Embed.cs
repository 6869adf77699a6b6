using System.Globalization;
using System.Text;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;

namespace MikuCloud.Testing;

/// <summary>
/// <c>POST /api/embed</c> as Ollama's EmbedHandler answers it: <c>{model, input: string | string[], truncate?,
/// dimensions?, keep_alive?, options?}</c> → <c>{model, embeddings: [[…]], total_duration, load_duration,
/// prompt_eval_count}</c>, one L2-normalised vector per input (shortened to <c>dimensions</c> and normalised again).
/// <para>
/// The vectors are deterministic and mean something, so retrieval tests can rank: a hashed bag of features.
/// Each CJK character and each pair of adjacent CJK characters (Chinese has no spaces: the pair stands in for a
/// word); each English word (a run of letters or digits, lower-cased) other than a few stop words (the, is, how, …),
/// plus its character trigrams at half weight (so "replace" and "replacing" overlap). Each feature is hashed (FNV-1a)
/// to one of the vector's slots with a hashed sign. Texts that share words or characters point the same way,
/// unrelated texts are near-orthogonal, and the same text always gets the same vector. <c>dimensions</c> hashes into
/// fewer slots, so a shortened vector still carries the whole text (as with Matryoshka-trained models). The token count
/// (for <c>prompt_eval_count</c> and the context limit) is the number of words and CJK characters.
/// </para>
/// </summary>
public sealed partial class FakeOllama
{
    /// <summary>Length of the vectors (Qwen3-Embedding-0.6B's, 1024).</summary>
    public const int EmbeddingDimensions = 1024;

    // Ollama's default context when a model sets no num_ctx (OLLAMA_CONTEXT_LENGTH's default).
    private const int DefaultEmbedContext = 4096;

    /// <summary>
    /// Which models embed: by default one whose name or base says "embed" (<c>qwen3-embedding</c>, <c>miku-embed</c>,
    /// <c>nomic-embed-text</c>) or is <c>bge-m3</c>. Any other model answers <c>/api/embed</c> with Ollama's 501.
    /// </summary>
    public Func<FakeModel, bool> IsEmbeddingModel { get; set; } = m => LooksLikeEmbedding(m.Name) || LooksLikeEmbedding(m.From);

    // English words too common to say what a text is about.
    private static readonly HashSet<string> StopWords = new(
        "a an the is are was were be been do does did i you he she it we they of to in on for and or at by with how what why this that my your".Split(' '),
        StringComparer.Ordinal);

    /// <summary>The vector the fake gives <paramref name="text"/> (cut to <paramref name="maxTokens"/> tokens).</summary>
    public static float[] Embed(string text, int dimensions = EmbeddingDimensions, int maxTokens = int.MaxValue)
    {
        ArgumentNullException.ThrowIfNull(text);
        var vector = new float[dimensions > 0 && dimensions < EmbeddingDimensions ? dimensions : EmbeddingDimensions];
        foreach (var (feature, weight) in Features(Tokens(text).Take(maxTokens).ToList()))
        {
            var hash = Fnv1a(feature);
            vector[(int)(hash % (ulong)vector.Length)] += (hash >> 63) == 0 ? weight : -weight;
        }

        return Normalize(vector);
    }

    private static bool LooksLikeEmbedding(string name) =>
        name.Contains("embed", StringComparison.OrdinalIgnoreCase) || name.StartsWith("bge-m3", StringComparison.OrdinalIgnoreCase);

    private void MapEmbedEndpoint(WebApplication web) => web.MapPost("/api/embed", (HttpContext ctx) =>
    {
        var started = System.Diagnostics.Stopwatch.GetTimestamp();
        if (Body(ctx) is not { } body)
        {
            return Error(400, "missing request body");
        }

        var name = body["model"] is JsonValue m && m.TryGetValue<string>(out var s) ? s : "";
        List<string> input;
        switch (body["input"])
        {
            case null:
                input = [];
                break;
            case JsonValue v when v.TryGetValue<string>(out var one):
                input = one.Length > 0 ? [one] : [];
                break;
            case JsonArray a when a.All(x => x is JsonValue xv && xv.TryGetValue<string>(out _)):
                input = [.. a.Select(x => x!.GetValue<string>())];
                break;
            default:
                return Error(400, "invalid input type");
        }

        if (GetModel(string.IsNullOrWhiteSpace(name) ? "?" : name) is not { } model)
        {
            return Error(404, $"model '{name}' not found");
        }

        if (!IsEmbeddingModel(model))
        {
            // A chat model's llama-server runs without --embedding; Ollama relays its 501 (llm/llama_server.go).
            return Error(501, "This server does not support embeddings. Start it with `--embeddings`");
        }

        if (input.Count == 0)
        {
            return Json(new JsonObject { ["model"] = name, ["embeddings"] = new JsonArray() });
        }

        var context = model.Parameters.TryGetValue("num_ctx", out var n) && int.TryParse(n, CultureInfo.InvariantCulture, out var c) ? c : DefaultEmbedContext;
        var truncate = body["truncate"] is not JsonValue t || !t.TryGetValue<bool>(out var tb) || tb;
        if (!truncate && input.Any(i => Tokens(i).Count() > context))
        {
            return Error(400, "the input length exceeds the context length");
        }

        var dimensions = body["dimensions"] is JsonValue dv && dv.TryGetValue<int>(out var d) ? d : 0;
        var vectors = input.Select(i => (JsonNode)new JsonArray([.. Embed(i, dimensions, context).Select(x => (JsonNode?)JsonValue.Create(x))]));
        return Json(new JsonObject
        {
            ["model"] = name,
            ["embeddings"] = new JsonArray([.. vectors]),
            ["total_duration"] = (long)System.Diagnostics.Stopwatch.GetElapsedTime(started).TotalNanoseconds + 1_019_500L,
            ["load_duration"] = 1_019_500L,
            ["prompt_eval_count"] = input.Sum(i => Math.Min(Tokens(i).Count(), context)),
        });
    });

    /// <summary>English words (letters or digits, lower-cased) and single CJK characters, in order.</summary>
    private static IEnumerable<string> Tokens(string text)
    {
        var word = new StringBuilder();
        foreach (var rune in text.EnumerateRunes())
        {
            if (IsCjk(rune))
            {
                if (word.Length > 0)
                {
                    yield return word.ToString();
                    word.Clear();
                }

                yield return rune.ToString();
            }
            else if (Rune.IsLetterOrDigit(rune))
            {
                word.Append(Rune.ToLowerInvariant(rune).ToString());
            }
            else if (word.Length > 0)
            {
                yield return word.ToString();
                word.Clear();
            }
        }

        if (word.Length > 0)
        {
            yield return word.ToString();
        }
    }

    /// <summary>CJK characters and adjacent pairs; English words but stop words, and their trigrams at half weight.</summary>
    private static IEnumerable<(string Feature, float Weight)> Features(IReadOnlyList<string> tokens)
    {
        for (var i = 0; i < tokens.Count; i++)
        {
            if (IsCjk(tokens[i]))
            {
                yield return (tokens[i], 1f);
                if (i > 0 && IsCjk(tokens[i - 1]))
                {
                    yield return (tokens[i - 1] + tokens[i], 1f);
                }
            }
            else if (!StopWords.Contains(tokens[i]))
            {
                yield return (tokens[i], 1f);
                var marked = "#" + tokens[i] + "#";
                for (var j = 0; j + 3 <= marked.Length; j++)
                {
                    yield return ("3:" + marked[j..(j + 3)], 0.5f);
                }
            }
        }
    }

    private static bool IsCjk(string token) => Rune.TryGetRuneAt(token, 0, out var r) && token.Length == r.Utf16SequenceLength && IsCjk(r);

    // CJK ideographs (and extension A), kana and Hangul syllables: scripts written without spaces between words.
    private static bool IsCjk(Rune r) => r.Value is (>= 0x4E00 and <= 0x9FFF) or (>= 0x3400 and <= 0x4DBF) or (>= 0x3040 and <= 0x30FF)
        or (>= 0xAC00 and <= 0xD7AF) or (>= 0x20000 and <= 0x2A6DF);

    private static ulong Fnv1a(string feature)
    {
        var hash = 14695981039346656037UL;
        foreach (var b in Encoding.UTF8.GetBytes(feature))
        {
            hash = (hash ^ b) * 1099511628211UL;
        }

        return hash;
    }

    private static float[] Normalize(float[] vector)
    {
        var norm = Math.Sqrt(vector.Sum(x => (double)x * x));
        var scale = (float)(1.0 / Math.Max(norm, 1e-12));
        return [.. vector.Select(x => x * scale)];
    }
}

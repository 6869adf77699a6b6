using System.Text.Json;
using System.Text.Json.Nodes;

namespace MikuCloud.Api.OpenAi;

/// <summary>
/// A <c>POST /v1/embeddings</c> body as read: the model id, the texts (one string or a list), whether vectors go back
/// as base64 (the OpenAI SDKs ask for it) or as number arrays, and the optional shorter <c>dimensions</c>.
/// </summary>
public sealed record EmbeddingRequest(string Model, IReadOnlyList<string> Inputs, bool Base64, int? Dimensions)
{
    /// <summary>Most texts one request may carry (OpenAI's own limit).</summary>
    public const int MaxInputs = 2_048;

    /// <summary>Longest text: about 8,000 tokens of English, what OpenAI's embedding models take.</summary>
    public const int MaxInputLength = 32_000;

    /// <summary>Most characters over all texts of one request.</summary>
    public const int MaxTotalLength = 1_000_000;

    /// <summary>
    /// The largest legitimate body: every character at its longest JSON escape, plus room for the other fields. Megabytes,
    /// not the server's 30 MB default.
    /// </summary>
    public const long MaxBodyBytes = MaxTotalLength * 6L + MaxInputs * 8L + 16 * 1024;

    /// <summary>Reads <paramref name="body"/>; throws <see cref="ApiProblem"/> (400) naming the first bad field, as OpenAI's <c>param</c>.</summary>
    public static EmbeddingRequest Read(JsonObject body)
    {
        ArgumentNullException.ThrowIfNull(body);
        var model = body["model"] is JsonValue m && m.TryGetValue<string>(out var id) && !string.IsNullOrWhiteSpace(id)
            ? id
            : throw ApiProblem.Invalid("model", "model is required: an embedding model GET /v1/models lists (miku-embed).");
        var inputs = body["input"] switch
        {
            JsonValue v when v.TryGetValue<string>(out var one) => [one],
            JsonArray { Count: > 0 } list when list.All(i => i is JsonValue s && s.GetValueKind() == JsonValueKind.String) => list.Select(i => i!.GetValue<string>()).ToList(),
            JsonArray { Count: > 0 } => throw ApiProblem.Invalid("input", "input must be text: a string or an array of strings (token arrays are not accepted)."),
            _ => throw ApiProblem.Invalid("input", "input is required: a string or a non-empty array of strings."),
        };
        Check(inputs);
        var base64 = body["encoding_format"] switch
        {
            null => false,
            JsonValue f when f.TryGetValue<string>(out var format) && format is "float" or "base64" => format == "base64",
            _ => throw ApiProblem.Invalid("encoding_format", "encoding_format must be \"float\" or \"base64\"."),
        };
        int? dimensions = body["dimensions"] switch
        {
            null => null,
            JsonValue d when d.TryGetValue<int>(out var n) && n is >= 1 and <= 8_192 => n,
            _ => throw ApiProblem.Invalid("dimensions", "dimensions must be a whole number from 1 to 8192."),
        };
        return new EmbeddingRequest(model, inputs, base64, dimensions);
    }

    private static void Check(List<string> inputs)
    {
        if (inputs.Count > MaxInputs)
        {
            throw ApiProblem.Invalid("input", $"At most {MaxInputs:N0} texts per request ({inputs.Count:N0} sent).");
        }

        var blank = inputs.FindIndex(string.IsNullOrWhiteSpace);
        if (blank >= 0)
        {
            throw ApiProblem.Invalid("input", $"input[{blank}] is empty: every text needs some words.");
        }

        var tooLong = inputs.FindIndex(i => i.Length > MaxInputLength);
        if (tooLong >= 0)
        {
            throw ApiProblem.Invalid("input", $"input[{tooLong}] has {inputs[tooLong].Length:N0} characters; the limit is {MaxInputLength:N0}.");
        }

        if (inputs.Sum(i => (long)i.Length) > MaxTotalLength)
        {
            throw ApiProblem.Invalid("input", $"The texts have more than {MaxTotalLength:N0} characters in all; send them in several requests.");
        }
    }
}

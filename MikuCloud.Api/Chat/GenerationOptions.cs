using System.Globalization;
using Microsoft.Extensions.AI;
using MikuCloud.HouseModels;

namespace MikuCloud.Api.Chat;

/// <summary>
/// The options one answer is generated with: the house model's parameters, then the preset's, then the
/// conversation's overrides, then the message's — later wins. Every value is sent explicitly, so what is stored
/// with the answer is exactly what Ollama used.
/// </summary>
public static class GenerationOptions
{
    /// <summary>Merges the layers; <c>num_ctx</c> and <c>num_predict</c> are always present.</summary>
    public static Dictionary<string, object> Merge(HouseModel model, Preset preset, params IReadOnlyDictionary<string, object>?[] overrides)
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentNullException.ThrowIfNull(preset);
        var merged = new Dictionary<string, object>(model.Modelfile.Parameters, StringComparer.Ordinal);
        foreach (var (k, v) in preset.Options)
        {
            merged[k] = v;
        }

        foreach (var layer in overrides)
        {
            foreach (var (k, v) in layer ?? new Dictionary<string, object>())
            {
                merged[k] = v;
            }
        }

        merged.TryAdd("num_predict", 1024L);
        return merged;
    }

    public static int NumCtx(IReadOnlyDictionary<string, object> options) => ToInt(options["num_ctx"]);

    public static int NumPredict(IReadOnlyDictionary<string, object> options) => ToInt(options["num_predict"]);

    /// <summary>
    /// Maps to <see cref="ChatOptions"/>: first-class properties where Microsoft.Extensions.AI has them, the rest under
    /// Ollama's own names in <see cref="ChatOptions.AdditionalProperties"/>, which OllamaSharp copies into <c>options</c>
    /// (and <c>keep_alive</c> into the request).
    /// </summary>
    public static ChatOptions ToChatOptions(IReadOnlyDictionary<string, object> options, string model, string keepAlive)
    {
        var chat = new ChatOptions { ModelId = model, AdditionalProperties = [] };
        foreach (var (name, value) in options)
        {
            switch (name)
            {
                case "temperature": chat.Temperature = ToFloat(value); break;
                case "top_p": chat.TopP = ToFloat(value); break;
                case "top_k": chat.TopK = ToInt(value); break;
                case "presence_penalty": chat.PresencePenalty = ToFloat(value); break;
                case "frequency_penalty": chat.FrequencyPenalty = ToFloat(value); break;
                case "num_predict": chat.MaxOutputTokens = ToInt(value); break;
                case "seed": chat.Seed = Convert.ToInt64(value, CultureInfo.InvariantCulture); break;
                case "stop": chat.StopSequences = ((IEnumerable<string>)value).ToList(); break;
                default: chat.AdditionalProperties[name] = value; break;
            }
        }

        chat.AdditionalProperties["keep_alive"] = keepAlive;
        return chat;
    }

    private static int ToInt(object value) => Convert.ToInt32(value, CultureInfo.InvariantCulture);

    private static float ToFloat(object value) => Convert.ToSingle(value, CultureInfo.InvariantCulture);
}

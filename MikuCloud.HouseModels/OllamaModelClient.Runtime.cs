using System.Globalization;
using System.Net.Http.Json;
using System.Text.Json.Nodes;

namespace MikuCloud.HouseModels;

/// <summary>The runtime half: what is loaded (<c>/api/ps</c> in full), what a model can do (<c>/api/show</c>), unloading an embedding model.</summary>
public sealed partial class OllamaModelClient
{
    /// <summary><c>GET /api/ps</c> with every field the admin page shows: memory, VRAM share, keep-alive expiry, context.</summary>
    public async Task<IReadOnlyList<OllamaLoadedModel>> ListLoadedAsync(CancellationToken cancellationToken = default)
    {
        using var response = await http.GetAsync("api/ps", cancellationToken).ConfigureAwait(false);
        var json = await ReadJsonAsync(response, cancellationToken).ConfigureAwait(false);
        return (json["models"] as JsonArray ?? [])
            .OfType<JsonObject>()
            .Select(m => new OllamaLoadedModel(
                m["name"]?.GetValue<string>() ?? m["model"]?.GetValue<string>() ?? "?",
                Long(m["size"]),
                Long(m["size_vram"]),
                ReadExpiry(m["expires_at"]?.GetValue<string>()),
                m["context_length"] is JsonValue ctx && ctx.TryGetValue<int>(out var c) ? c : null))
            .ToList();
    }

    /// <summary>Reads the capabilities and the trained context length from a <c>/api/show</c> answer.</summary>
    public static OllamaModelFacts ReadFacts(JsonObject show)
    {
        ArgumentNullException.ThrowIfNull(show);
        var capabilities = (show["capabilities"] as JsonArray ?? [])
            .Select(c => c is JsonValue v && v.TryGetValue<string>(out var s) ? s : null)
            .OfType<string>()
            .ToList();
        int? context = null;
        if (show["model_info"] is JsonObject info
            && info["general.architecture"] is JsonValue arch && arch.TryGetValue<string>(out var name)
            && info[name + ".context_length"] is JsonValue length && length.TryGetValue<long>(out var value))
        {
            context = (int)Math.Min(int.MaxValue, value);
        }

        return new OllamaModelFacts(capabilities, context);
    }

    /// <summary>
    /// Unloads an embedding model (<c>POST /api/embed</c> with no input and <c>keep_alive: 0</c>): such a model cannot
    /// <c>/api/generate</c>, so <see cref="UnloadAsync"/> would fail for it.
    /// </summary>
    public async Task UnloadEmbeddingAsync(string model, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(model);
        using var response = await http.PostAsJsonAsync("api/embed", new { model, input = Array.Empty<string>(), keep_alive = 0 }, cancellationToken).ConfigureAwait(false);
        await ReadJsonAsync(response, cancellationToken).ConfigureAwait(false);
    }

    private static long Long(JsonNode? node) => node is JsonValue v && v.TryGetValue<long>(out var l) ? l : 0;

    // Ollama writes nanoseconds and a zone offset (2026-11-24T09:25:11.120785123+08:00); a year far ahead means "never".
    private static DateTimeOffset? ReadExpiry(string? text)
    {
        if (string.IsNullOrEmpty(text))
        {
            return null;
        }

        var trimmed = System.Text.RegularExpressions.Regex.Replace(text, @"(\.\d{7})\d+", "$1");
        return DateTimeOffset.TryParse(trimmed, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var at) && at.Year < 2200 ? at : null;
    }
}

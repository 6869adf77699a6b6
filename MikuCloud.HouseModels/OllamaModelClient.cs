using System.Globalization;
using System.Net;
using System.Net.Http.Json;
using System.Runtime.CompilerServices;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace MikuCloud.HouseModels;

/// <summary>An error Ollama reported (<c>{"error": "…"}</c>), before or during a stream.</summary>
public sealed class OllamaApiException(string message, HttpStatusCode? statusCode = null) : Exception(message)
{
    /// <summary>The HTTP status, when the error came before the stream began.</summary>
    public HttpStatusCode? StatusCode { get; } = statusCode;
}

/// <summary>A model Ollama has on disk (<c>/api/tags</c>) or in memory (<c>/api/ps</c>).</summary>
/// <param name="Name">Name with tag, as Ollama reports it (<c>miku-vl:latest</c>).</param>
/// <param name="Size">Bytes on disk (tags) or in memory (ps).</param>
/// <param name="Detail">Quantization for tags, VRAM share and expiry for ps.</param>
public sealed record OllamaModelEntry(string Name, long Size, string Detail);

/// <summary>
/// The model-management half of Ollama's HTTP API (version, show, tags, ps, pull, create, unload), on a plain
/// <see cref="HttpClient"/> whose base address is the server. Chat goes through OllamaSharp instead.
/// </summary>
public sealed partial class OllamaModelClient
{
    private readonly HttpClient http;

    /// <summary>Wraps <paramref name="http"/>; its <see cref="HttpClient.BaseAddress"/> must be the Ollama server.</summary>
    public OllamaModelClient(HttpClient http)
    {
        ArgumentNullException.ThrowIfNull(http);
        ArgumentNullException.ThrowIfNull(http.BaseAddress, nameof(http.BaseAddress));
        this.http = http;
    }

    /// <summary><c>GET /api/version</c>.</summary>
    public async Task<string> GetVersionAsync(CancellationToken cancellationToken = default)
    {
        using var response = await http.GetAsync("api/version", cancellationToken).ConfigureAwait(false);
        var json = await ReadJsonAsync(response, cancellationToken).ConfigureAwait(false);
        return json["version"]?.GetValue<string>() ?? "unknown";
    }

    /// <summary><c>POST /api/show</c>; <c>null</c> when Ollama does not have the model (404).</summary>
    public async Task<JsonObject?> ShowAsync(string model, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(model);
        using var response = await http.PostAsJsonAsync("api/show", new { model }, cancellationToken).ConfigureAwait(false);
        if (response.StatusCode == HttpStatusCode.NotFound)
        {
            return null;
        }

        return await ReadJsonAsync(response, cancellationToken).ConfigureAwait(false);
    }

    /// <summary><c>GET /api/tags</c>: models on disk.</summary>
    public async Task<IReadOnlyList<OllamaModelEntry>> ListAsync(CancellationToken cancellationToken = default)
    {
        using var response = await http.GetAsync("api/tags", cancellationToken).ConfigureAwait(false);
        var json = await ReadJsonAsync(response, cancellationToken).ConfigureAwait(false);
        return Entries(json, m => m["details"]?["quantization_level"]?.GetValue<string>() ?? "");
    }

    /// <summary><c>GET /api/ps</c>: models loaded in memory.</summary>
    public async Task<IReadOnlyList<OllamaModelEntry>> ListRunningAsync(CancellationToken cancellationToken = default)
    {
        using var response = await http.GetAsync("api/ps", cancellationToken).ConfigureAwait(false);
        var json = await ReadJsonAsync(response, cancellationToken).ConfigureAwait(false);
        return Entries(json, m =>
        {
            var size = m["size"]?.GetValue<long>() ?? 0;
            var vram = m["size_vram"]?.GetValue<long>() ?? 0;
            var share = size > 0 ? (100.0 * vram / size).ToString("0", CultureInfo.InvariantCulture) : "0";
            return $"{share}% GPU, context {m["context_length"]}, until {m["expires_at"]}";
        });
    }

    /// <summary>Unloads a model from memory (<c>POST /api/generate</c> with <c>keep_alive: 0</c>).</summary>
    public async Task UnloadAsync(string model, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(model);
        using var response = await http.PostAsJsonAsync("api/generate", new { model, keep_alive = 0 }, cancellationToken).ConfigureAwait(false);
        await ReadJsonAsync(response, cancellationToken).ConfigureAwait(false);
    }

    /// <summary><c>POST /api/pull</c>, streaming; reports aggregate bytes over all layers.</summary>
    public async Task PullAsync(string model, IProgress<PullProgress>? progress = null, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(model);
        var layers = new Dictionary<string, (long Completed, long Total)>(StringComparer.Ordinal);
        var body = new JsonObject { ["model"] = model, ["stream"] = true };
        await foreach (var line in StreamAsync("api/pull", body, cancellationToken).ConfigureAwait(false))
        {
            var status = line["status"]?.GetValue<string>() ?? "";
            if (line["digest"]?.GetValue<string>() is { } digest && line["total"] is { } total)
            {
                layers[digest] = (line["completed"]?.GetValue<long>() ?? 0, total.GetValue<long>());
            }

            progress?.Report(new PullProgress(status, layers.Values.Sum(l => l.Completed), layers.Values.Sum(l => l.Total)));
        }
    }

    /// <summary><c>POST /api/create</c> in the JSON form, streaming; reports each status line.</summary>
    public async Task CreateAsync(HouseModel model, IProgress<string>? progress = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(model);
        await foreach (var line in StreamAsync("api/create", model.ToCreateRequest(), cancellationToken).ConfigureAwait(false))
        {
            progress?.Report(line["status"]?.GetValue<string>() ?? "");
        }
    }

    private async IAsyncEnumerable<JsonObject> StreamAsync(string path, JsonObject body, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, path) { Content = JsonContent.Create(body) };
        using var response = await http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, cancellationToken).ConfigureAwait(false);
        if (!response.IsSuccessStatusCode)
        {
            await ReadJsonAsync(response, cancellationToken).ConfigureAwait(false);
        }

        using var reader = new StreamReader(await response.Content.ReadAsStreamAsync(cancellationToken).ConfigureAwait(false));
        var sawSuccess = false;
        while (await reader.ReadLineAsync(cancellationToken).ConfigureAwait(false) is { } text)
        {
            if (string.IsNullOrWhiteSpace(text))
            {
                continue;
            }

            var line = ParseObject(text);
            if (line["error"]?.GetValue<string>() is { } error)
            {
                throw new OllamaApiException(error);
            }

            sawSuccess |= line["status"]?.GetValue<string>() == "success";
            yield return line;
        }

        if (!sawSuccess)
        {
            throw new OllamaApiException($"Ollama ended {path} without reporting success.");
        }
    }

    private static async Task<JsonObject> ReadJsonAsync(HttpResponseMessage response, CancellationToken cancellationToken)
    {
        var text = await response.Content.ReadAsStringAsync(cancellationToken).ConfigureAwait(false);
        if (!response.IsSuccessStatusCode)
        {
            string? error = null;
            try
            {
                error = ParseObject(text)["error"]?.GetValue<string>();
            }
            catch (OllamaApiException)
            {
                // Not JSON (a proxy's HTML page, say): report the status instead.
            }

            throw new OllamaApiException(error ?? $"Ollama answered {(int)response.StatusCode} {response.ReasonPhrase}.", response.StatusCode);
        }

        return ParseObject(text);
    }

    private static JsonObject ParseObject(string text)
    {
        try
        {
            return JsonNode.Parse(text) as JsonObject ?? throw new OllamaApiException("Ollama sent JSON that is not an object.");
        }
        catch (JsonException ex)
        {
            throw new OllamaApiException($"Ollama sent a line that is not JSON: {Truncate(text)} ({ex.Message})");
        }
    }

    private static string Truncate(string text) => text.Length <= 120 ? text : text[..120] + "…";

    private static List<OllamaModelEntry> Entries(JsonObject json, Func<JsonNode, string> detail) =>
        (json["models"] as JsonArray ?? [])
        .OfType<JsonObject>()
        .Select(m => new OllamaModelEntry(m["name"]?.GetValue<string>() ?? m["model"]?.GetValue<string>() ?? "?", m["size"]?.GetValue<long>() ?? 0, detail(m)))
        .ToList();
}

/// <summary>Aggregate pull progress over all layers.</summary>
/// <param name="Status">Ollama's last status line (<c>pulling manifest</c>, <c>pulling 0b1a…</c>, <c>success</c>).</param>
/// <param name="Completed">Bytes downloaded so far.</param>
/// <param name="Total">Bytes to download, as far as known.</param>
public sealed record PullProgress(string Status, long Completed, long Total)
{
    /// <summary>0–100, or <c>null</c> before any layer size is known.</summary>
    public double? Percent => Total > 0 ? Math.Min(100, 100.0 * Completed / Total) : null;
}

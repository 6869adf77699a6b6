using System.Collections.Concurrent;
using System.Globalization;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;

namespace MikuCloud.Testing;

/// <summary>
/// The runtime side of the fake, as Ollama has it: a model is loaded by a chat and stays for its <c>keep_alive</c>
/// (default 5 minutes; <c>0</c> unloads it), <c>/api/ps</c> lists what is loaded with its memory, VRAM, expiry and
/// context, and <c>/api/show</c> reports <c>capabilities</c> by what the model is built on (see ps.json and show.json).
/// </summary>
public sealed partial class FakeOllama
{
    private readonly ConcurrentDictionary<string, DateTimeOffset?> loaded = new(StringComparer.Ordinal);

    /// <summary>How long a model stays loaded after a request that did not say (Ollama's default is 5 minutes).</summary>
    public TimeSpan DefaultKeepAlive { get; set; } = TimeSpan.FromMinutes(5);

    /// <summary>The models loaded now (normalised names), as <c>/api/ps</c> lists them.</summary>
    public IReadOnlyCollection<string> LoadedModels => [.. loaded.Keys.Where(IsLoaded)];

    /// <summary>Whether <paramref name="name"/> is loaded now (its keep-alive has not run out).</summary>
    public bool IsLoaded(string name) =>
        loaded.TryGetValue(Normalize(name), out var until) && (until is null || until > DateTimeOffset.UtcNow);

    /// <summary>Loads <paramref name="name"/> as a chat would, for <see cref="DefaultKeepAlive"/>.</summary>
    public FakeOllama Load(string name)
    {
        loaded[Normalize(name)] = DateTimeOffset.UtcNow + DefaultKeepAlive;
        return this;
    }

    private void MapRuntimeEndpoints(WebApplication web)
    {
        web.MapGet("/api/ps", () => Json(new JsonObject
        {
            ["models"] = new JsonArray([.. models.Values.Where(m => IsLoaded(m.Name)).Select(m => (JsonNode)Running(m))]),
        }));
        web.MapPost("/api/show", (HttpContext ctx) =>
        {
            var name = Body(ctx)?["model"]?.GetValue<string>() ?? "";
            return models.TryGetValue(Normalize(name), out var m) ? Json(Show(m)) : NotFound(name);
        });
        web.MapPost("/api/generate", (HttpContext ctx) =>
        {
            var body = Body(ctx) ?? [];
            var name = body["model"]?.GetValue<string>() ?? "";
            if (!HasModel(name))
            {
                return NotFound(name);
            }

            KeepLoaded(name, body);
            return Json(new JsonObject { ["model"] = name, ["created_at"] = Now(), ["response"] = "", ["done"] = true, ["done_reason"] = "unload" });
        });
    }

    /// <summary>A request for <paramref name="model"/> loads it for its <c>keep_alive</c>; <c>0</c> unloads it.</summary>
    private void KeepLoaded(string model, JsonObject body)
    {
        var keepAlive = ReadKeepAlive(body["keep_alive"]) ?? DefaultKeepAlive;
        if (keepAlive == TimeSpan.Zero)
        {
            loaded.TryRemove(Normalize(model), out _);
            return;
        }

        loaded[Normalize(model)] = keepAlive < TimeSpan.Zero ? null : DateTimeOffset.UtcNow + keepAlive;
    }

    /// <summary>Ollama's keep_alive: seconds as a number, or a duration such as <c>5m</c>, <c>30s</c>, <c>1h</c>, <c>-1</c>.</summary>
    private static TimeSpan? ReadKeepAlive(JsonNode? node)
    {
        if (node is not JsonValue value)
        {
            return null;
        }

        if (value.TryGetValue<double>(out var seconds))
        {
            return TimeSpan.FromSeconds(seconds);
        }

        var text = value.TryGetValue<string>(out var s) ? s.Trim() : "";
        if (double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out seconds))
        {
            return TimeSpan.FromSeconds(seconds);
        }

        return text.Length > 1 && double.TryParse(text[..^1], NumberStyles.Float, CultureInfo.InvariantCulture, out var amount)
            ? text[^1] switch
            {
                's' => TimeSpan.FromSeconds(amount),
                'm' => TimeSpan.FromMinutes(amount),
                'h' => TimeSpan.FromHours(amount),
                _ => null,
            }
            : null;
    }

    private JsonObject Running(FakeModel model)
    {
        var entry = model.ToTag();
        var size = Kind(model) switch
        {
            FakeModelKind.Vision => 9_381_234_688L, // ps.json: miku-vl at 16k context, fully on the GPU
            FakeModelKind.Embedding => 1_212_416_000L,
            _ => 3_221_225_472L,
        };
        entry["size"] = size;
        entry["size_vram"] = size;
        entry["expires_at"] = loaded.TryGetValue(model.Name, out var until) && until is { } at
            ? at.UtcDateTime.ToString("yyyy-MM-ddTHH:mm:ss.fffffffZ", CultureInfo.InvariantCulture)
            : "2318-08-22T09:25:11.120785Z"; // what Ollama reports for keep_alive -1
        entry["context_length"] = model.Parameters.TryGetValue("num_ctx", out var ctx) && int.TryParse(ctx, out var n) ? n : 4096;
        return entry;
    }

    /// <summary>show.json, with the capabilities and model_info of what the model is built on.</summary>
    private JsonObject Show(FakeModel model)
    {
        var show = model.ToShow();
        switch (Kind(model))
        {
            case FakeModelKind.Vision:
                show["capabilities"] = new JsonArray("completion", "vision", "tools");
                break;
            case FakeModelKind.Embedding:
                show["capabilities"] = new JsonArray("embedding");
                show["model_info"] = new JsonObject { ["general.architecture"] = "qwen3", ["qwen3.context_length"] = 32768 };
                show["details"]!["family"] = "qwen3";
                show["details"]!["families"] = new JsonArray("qwen3");
                break;
            default:
                show["capabilities"] = new JsonArray("completion", "tools", "thinking");
                show["model_info"] = new JsonObject { ["general.architecture"] = "qwen3", ["qwen3.context_length"] = 40960 };
                show["details"]!["family"] = "qwen3";
                show["details"]!["families"] = new JsonArray("qwen3");
                break;
        }

        return show;
    }

    /// <summary>What a model is, by the base it was made from (following house models down to the pulled base).</summary>
    private FakeModelKind Kind(FakeModel model)
    {
        var name = model.Name;
        for (var depth = 0; depth < 8 && models.TryGetValue(name, out var m) && !string.IsNullOrEmpty(m.From); depth++)
        {
            name = Normalize(m.From);
        }

        return name.Contains("embed", StringComparison.Ordinal) ? FakeModelKind.Embedding
            : name.Contains("-vl", StringComparison.Ordinal) || name.Contains("vision", StringComparison.Ordinal) ? FakeModelKind.Vision
            : FakeModelKind.Text;
    }

    private enum FakeModelKind
    {
        Vision,
        Text,
        Embedding,
    }
}

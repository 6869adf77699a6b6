using System.Text.Json.Nodes;

namespace MikuCloud.Testing;

/// <summary>A model the fake holds, with what <c>/api/show</c> reports about it.</summary>
public sealed record FakeModel(string Name, string From, string System, IReadOnlyDictionary<string, string> Parameters)
{
    /// <summary>The <c>/api/create</c> body that made it, if it was created.</summary>
    public JsonObject? CreateRequest { get; init; }

    /// <summary>The model as <c>/api/tags</c> and <c>/api/ps</c> list it.</summary>
    public JsonObject ToTag() => new()
    {
        ["name"] = Name,
        ["model"] = Name,
        ["modified_at"] = "2026-11-24T08:40:11.120785Z",
        ["size"] = 6_144_829_440L,
        ["digest"] = "4f2a9c1d0e7b6a5c3d2e1f0a9b8c7d6e5f4a3b2c1d0e9f8a7b6c5d4e3f2a1b0c",
        ["details"] = Details(),
    };

    /// <summary>The <c>/api/show</c> answer: show.json with this model's system prompt, parameters and details.</summary>
    public JsonObject ToShow()
    {
        var show = OllamaWire.Json("show.json");
        show["system"] = System;
        show["parameters"] = string.Join("\n", Parameters.SelectMany(kv =>
            kv.Value.Split(',').Select(v => $"{kv.Key,-30} {(kv.Key == "stop" ? "\"" + v.Trim('"') + "\"" : v)}")));
        show["details"] = Details();
        // Ollama's generated Modelfile names each adapter by its blob file (what provisioning compares).
        foreach (var (_, digest) in CreateRequest?["adapters"] as JsonObject ?? [])
        {
            show["modelfile"] = show["modelfile"]!.GetValue<string>() + $"ADAPTER /root/.ollama/models/blobs/{digest!.GetValue<string>().Replace(':', '-')}\n";
        }

        return show;
    }

    private JsonObject Details() => new()
    {
        ["parent_model"] = From,
        ["format"] = "gguf",
        ["family"] = "qwen3vl",
        ["families"] = new JsonArray("qwen3vl"),
        ["parameter_size"] = "8.8B",
        ["quantization_level"] = "Q4_K_M",
    };
}

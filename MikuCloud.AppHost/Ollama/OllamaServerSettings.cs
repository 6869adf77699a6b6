using System.Globalization;

namespace MikuCloud.AppHost.Ollama;

/// <summary>
/// The Ollama server knobs, as AppHost parameters with defaults suited to one 12–24 GB GPU. Override any of
/// them with <c>Parameters:ollama-num-parallel</c> and so on (user secrets, appsettings or command line).
/// </summary>
public sealed class OllamaServerSettings
{
    /// <summary>Environment variable → parameter name → default.</summary>
    public static readonly IReadOnlyList<(string Variable, string Parameter, string Default)> Knobs =
    [
        // Two parallel slots: one long answer does not block a second user; doubles KV memory.
        ("OLLAMA_NUM_PARALLEL", "ollama-num-parallel", "2"),
        // Keep the model in VRAM between chats; the first token after an unload costs a model load.
        ("OLLAMA_KEEP_ALIVE", "ollama-keep-alive", "30m"),
        // Default context for requests that set none; the house model's num_ctx is used when this is empty.
        ("OLLAMA_CONTEXT_LENGTH", "ollama-context-length", ""),
        ("OLLAMA_FLASH_ATTENTION", "ollama-flash-attention", "1"),
        // q8_0 halves KV-cache memory at no visible quality cost (needs flash attention).
        ("OLLAMA_KV_CACHE_TYPE", "ollama-kv-cache-type", "q8_0"),
        // Beyond this Ollama answers 503 "server busy"; the API queues and answers 429 before that.
        ("OLLAMA_MAX_QUEUE", "ollama-max-queue", "64"),
    ];

    private OllamaServerSettings(IReadOnlyDictionary<string, IResourceBuilder<ParameterResource>> parameters) => Parameters = parameters;

    /// <summary>Parameters by environment variable name.</summary>
    public IReadOnlyDictionary<string, IResourceBuilder<ParameterResource>> Parameters { get; }

    /// <summary>Parallel generations Ollama runs; the API's admission control defaults to the same.</summary>
    public IResourceBuilder<ParameterResource> NumParallel => Parameters["OLLAMA_NUM_PARALLEL"];

    /// <summary>How long Ollama keeps the model loaded; the API sends the same <c>keep_alive</c>.</summary>
    public IResourceBuilder<ParameterResource> KeepAlive => Parameters["OLLAMA_KEEP_ALIVE"];

    /// <summary>Adds one parameter per knob; configuration under <c>Parameters:</c> overrides the default.</summary>
    public static OllamaServerSettings AddParameters(IDistributedApplicationBuilder builder, int defaultContextLength)
    {
        ArgumentNullException.ThrowIfNull(builder);
        var parameters = new Dictionary<string, IResourceBuilder<ParameterResource>>(StringComparer.Ordinal);
        foreach (var (variable, name, fallback) in Knobs)
        {
            var value = builder.Configuration[$"Parameters:{name}"];
            if (string.IsNullOrWhiteSpace(value))
            {
                value = variable == "OLLAMA_CONTEXT_LENGTH" ? defaultContextLength.ToString(CultureInfo.InvariantCulture) : fallback;
            }

            parameters[variable] = builder.AddParameter(name, value, publishValueAsDefault: true);
        }

        return new OllamaServerSettings(parameters);
    }
}

using System.Text.Json;
using System.Text.Json.Nodes;

namespace MikuCloud.HouseModels;

/// <summary>
/// A model MikuCloud creates in Ollama from a Modelfile in <c>modelfiles/</c> (e.g. <c>miku-vl</c>),
/// on top of a base model it pulls first.
/// </summary>
public sealed class HouseModel
{
    // Swapped whole by AdoptEdit; readers see the old file or the new one, never a mix.
    private Modelfile currentModelfile;

    /// <summary>Creates a house model named <paramref name="name"/> from <paramref name="modelfile"/>.</summary>
    public HouseModel(string name, Modelfile modelfile)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(name);
        ArgumentNullException.ThrowIfNull(modelfile);
        if (modelfile.Template is not null)
        {
            // qwen3-vl uses Ollama's built-in renderer; a TEMPLATE would silently break images and tools.
            throw new ModelfileException(modelfile.Source, 0, "house models must not set TEMPLATE (qwen3-vl uses Ollama's built-in renderer)");
        }

        if (modelfile.Adapter is not null && !IsAdapterBesideModelfile(modelfile.Adapter))
        {
            // The AppHost uploads the file itself and deploy/'s model-init mounts adapters/ beside the Modelfiles:
            // a path elsewhere would work on one machine only.
            throw new ModelfileException(modelfile.Source, 0,
                $"ADAPTER must be a relative path to a .gguf file beside the Modelfile (e.g. ./adapters/{name}.gguf), not '{modelfile.Adapter}'");
        }

        if (!modelfile.Parameters.ContainsKey("num_ctx"))
        {
            // Ollama's default context (4k) cannot hold even a few images (each costs ~1k tokens).
            throw new ModelfileException(modelfile.Source, 0, "house models must set PARAMETER num_ctx explicitly");
        }

        Name = name;
        currentModelfile = modelfile;
        Purpose = ReadPurpose(modelfile);
        IsOptional = modelfile.Metadata.TryGetValue("optional", out var optional) && bool.TryParse(optional, out var b) && b;
        IsDefault = modelfile.Metadata.TryGetValue("default", out var isDefault) && bool.TryParse(isDefault, out var d) && d;
        Titles = Localized(modelfile.Metadata, "title");
        Descriptions = Localized(modelfile.Metadata, "description");
        PresetNames = modelfile.Metadata.TryGetValue("presets", out var names)
            ? names.Split([',', ' '], StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
            : [];
    }

    /// <summary>The model name in Ollama, without tag (<c>miku-vl</c>).</summary>
    public string Name { get; }

    /// <summary>What it is for (<c># purpose:</c>; <see cref="ModelPurpose.Vision"/> when not said).</summary>
    public ModelPurpose Purpose { get; }

    /// <summary>Whether it is a chat model (vision or text), as opposed to an embedding model.</summary>
    public bool IsChat => Purpose is ModelPurpose.Vision or ModelPurpose.Text;

    /// <summary>
    /// <c># optional: true</c>: off until enabled (by configuration or an admin), so a first run downloads only the
    /// default model.
    /// </summary>
    public bool IsOptional { get; }

    /// <summary><c># default: true</c>: the chat model new conversations get.</summary>
    public bool IsDefault { get; }

    /// <summary>Display titles by UI language (<c># title.en:</c>, <c># title.zh:</c>); may be empty.</summary>
    public IReadOnlyDictionary<string, string> Titles { get; }

    /// <summary>One-line descriptions by UI language (<c># description.en:</c> …); may be empty.</summary>
    public IReadOnlyDictionary<string, string> Descriptions { get; }

    /// <summary>
    /// <c># presets: a, b</c> (or <c>*</c>): presets tuned for another model that also apply to this one, besides the
    /// presets whose <c>FROM</c> names it (see <see cref="HouseModelCatalog.PresetsFor"/>).
    /// </summary>
    public IReadOnlyList<string> PresetNames { get; }

    /// <summary>The Modelfile it is created from (the edited one after <see cref="AdoptEdit"/>).</summary>
    public Modelfile Modelfile => Volatile.Read(ref currentModelfile);

    /// <summary>
    /// Takes over an edit of this model's Modelfile (SYSTEM, PARAMETER, FROM, ADAPTER…) while the program runs, so that
    /// what is sent with each request follows a re-created model at once. The same object stays in the catalog, so
    /// everything holding it sees the edit. What the catalog was checked on when it loaded (purpose, optional,
    /// default, borrowed presets) cannot change without a restart.
    /// </summary>
    /// <exception cref="ModelfileException">The edit changes what needs a restart.</exception>
    public void AdoptEdit(HouseModel edited)
    {
        ArgumentNullException.ThrowIfNull(edited);
        if (!ModelName.AreSame(edited.Name, Name) || edited.Purpose != Purpose || edited.IsOptional != IsOptional
            || edited.IsDefault != IsDefault || !edited.PresetNames.SequenceEqual(PresetNames, StringComparer.OrdinalIgnoreCase))
        {
            throw new ModelfileException(edited.Modelfile.Source, 0,
                "changing '# purpose', '# optional', '# default' or '# presets' takes effect at the next start, not on re-create");
        }

        Volatile.Write(ref currentModelfile, edited.Modelfile);
    }

    /// <summary>The base model to pull (<c>FROM</c>).</summary>
    public string From => Modelfile.From;

    /// <summary>
    /// The LoRA adapter's full path (<c>ADAPTER</c>, relative to the Modelfile's folder), or <c>null</c> without one.
    /// Whether the file exists is checked when the model is provisioned, not here: an optional model that is off
    /// needs no adapter.
    /// </summary>
    public string? AdapterPath => Modelfile.Adapter is { } adapter
        ? Path.GetFullPath(Path.Combine(Path.GetDirectoryName(Path.GetFullPath(Modelfile.Source)) ?? ".", adapter))
        : null;

    /// <summary>The context length the model is created with.</summary>
    public int ContextLength => Convert.ToInt32(Modelfile.Parameters["num_ctx"], System.Globalization.CultureInfo.InvariantCulture);

    /// <summary>The same house model on another quantization of its base (see <see cref="Quantization"/>).</summary>
    public HouseModel WithQuantization(string quant) =>
        new(Name, new Modelfile(Modelfile.Source, Quantization.Apply(From, quant), Modelfile.Parameters, Modelfile.System,
            Modelfile.Template, Modelfile.Adapter, Modelfile.Messages, Modelfile.Licenses, Modelfile.Requires, Modelfile.Metadata));

    /// <summary>
    /// Whether both are built on the same base apart from its quantization (<c>miku-vl-moe</c> and <c>miku-vl</c>):
    /// <c>Ollama:Quantization</c> changes such models together, so a LoRA variant keeps the base its adapter was
    /// trained on and shares the downloaded weights.
    /// </summary>
    public bool SharesBaseWith(HouseModel other)
    {
        ArgumentNullException.ThrowIfNull(other);
        return string.Equals(Quantization.WithoutSuffix(From), Quantization.WithoutSuffix(other.From), StringComparison.OrdinalIgnoreCase);
    }

    /// <summary>The same house model under another name (e.g. a configured <c>Ollama:HouseModel</c>).</summary>
    public HouseModel WithName(string name) => new(name, Modelfile);

    /// <summary>
    /// The body of Ollama's <c>POST /api/create</c> in its JSON form (Ollama ≥ 0.5.5):
    /// <c>model</c>, <c>from</c>, <c>system</c>, <c>parameters</c>, <c>messages</c>, <c>license</c>, <c>stream</c>.
    /// A model with an <c>ADAPTER</c> needs the uploaded blob: see <see cref="ToCreateRequest(AdapterBlob?, bool)"/>.
    /// </summary>
    public JsonObject ToCreateRequest(bool stream = true) => ToCreateRequest(adapter: null, stream);

    /// <summary>
    /// The <c>POST /api/create</c> body with <c>"adapters": {"&lt;file name&gt;": "sha256:…"}</c> naming the adapter's
    /// blob, which must already be in Ollama (<c>POST /api/blobs/…</c>). Ollama tells a GGUF adapter by the
    /// <c>.gguf</c> file name.
    /// </summary>
    public JsonObject ToCreateRequest(AdapterBlob? adapter, bool stream = true)
    {
        if ((Modelfile.Adapter is null) != (adapter is null))
        {
            throw new InvalidOperationException(Modelfile.Adapter is null
                ? $"{Name} has no ADAPTER, but an adapter blob was given."
                : $"{Name} has ADAPTER {Modelfile.Adapter}: read it with {nameof(AdapterBlob)}.{nameof(AdapterBlob.ReadAsync)} first.");
        }

        var request = new JsonObject
        {
            ["model"] = Name,
            ["from"] = From,
        };
        if (adapter is not null)
        {
            request["adapters"] = new JsonObject { [adapter.FileName] = adapter.Digest };
        }

        if (Modelfile.System is not null)
        {
            request["system"] = Modelfile.System;
        }

        request["parameters"] = ParametersToJson(Modelfile.Parameters);
        if (Modelfile.Messages.Count > 0)
        {
            request["messages"] = new JsonArray(Modelfile.Messages
                .Select(m => (JsonNode)new JsonObject { ["role"] = m.Role, ["content"] = m.Content }).ToArray());
        }

        if (Modelfile.Licenses.Count > 0)
        {
            request["license"] = new JsonArray(Modelfile.Licenses.Select(l => (JsonNode)JsonValue.Create(l)!).ToArray());
        }

        request["stream"] = stream;
        return request;
    }

    private static bool IsAdapterBesideModelfile(string adapter)
    {
        if (Path.IsPathRooted(adapter) || !adapter.EndsWith(".gguf", StringComparison.OrdinalIgnoreCase))
        {
            return false;
        }

        var parts = adapter.Split(['/', '\\'], StringSplitOptions.RemoveEmptyEntries);
        return !parts.Contains("..") && parts.Any(p => p != ".");
    }

    private static ModelPurpose ReadPurpose(Modelfile modelfile)
    {
        if (!modelfile.Metadata.TryGetValue("purpose", out var purpose))
        {
            return ModelPurpose.Vision;
        }

        return Enum.TryParse<ModelPurpose>(purpose, ignoreCase: true, out var parsed) && Enum.IsDefined(parsed)
            ? parsed
            : throw new ModelfileException(modelfile.Source, 0, $"'# purpose: {purpose}' is not one of: vision, text, embedding");
    }

    private static Dictionary<string, string> Localized(IReadOnlyDictionary<string, string> metadata, string key) =>
        metadata.Where(kv => kv.Key.StartsWith(key + ".", StringComparison.Ordinal))
            .ToDictionary(kv => kv.Key[(key.Length + 1)..], kv => kv.Value, StringComparer.Ordinal);

    /// <summary>Typed option values as JSON (numbers stay numbers; <c>stop</c> stays a list).</summary>
    public static JsonObject ParametersToJson(IReadOnlyDictionary<string, object> parameters)
    {
        ArgumentNullException.ThrowIfNull(parameters);
        var json = new JsonObject();
        foreach (var (key, value) in parameters)
        {
            json[key] = JsonSerializer.SerializeToNode(value);
        }

        return json;
    }
}

namespace MikuCloud.Contracts;

/// <summary>
/// Ollama's model options (the names valid in a Modelfile PARAMETER and in a request's <c>options</c>) with the ranges
/// MikuCloud accepts: the one table behind the Modelfile check (HouseModels), the API's option validation and the
/// Web's parameter panel. Ollama itself accepts almost anything and silently misbehaves (a negative <c>num_ctx</c>, a
/// <c>top_p</c> of 7), so the ranges are ours, chosen to be generous. It lives in the contract because a client that
/// shows these options must agree with the server that checks them.
/// </summary>
public static class OllamaParameterRanges
{
    /// <summary>Largest context MikuCloud lets a request ask for (Qwen3-VL supports 256k; KV cache is the limit).</summary>
    public const int MaxContextLength = 262_144;

    /// <summary>Largest generation length a request may ask for.</summary>
    public const int MaxPredict = 131_072;

    private static readonly ParameterSpec[] Specs =
    [
        new("temperature", ParameterKind.Float, 0, 2),
        new("top_p", ParameterKind.Float, 0, 1),
        new("top_k", ParameterKind.Integer, 0, 1000),
        new("min_p", ParameterKind.Float, 0, 1),
        new("typical_p", ParameterKind.Float, 0, 1),
        new("repeat_penalty", ParameterKind.Float, 0, 2),
        new("repeat_last_n", ParameterKind.Integer, -1, MaxContextLength),
        new("presence_penalty", ParameterKind.Float, -2, 2),
        new("frequency_penalty", ParameterKind.Float, -2, 2),
        new("num_ctx", ParameterKind.Integer, 512, MaxContextLength),
        // -1 = until the context is full, -2 = fill the context; MikuCloud always sets a bound itself.
        new("num_predict", ParameterKind.Integer, 1, MaxPredict),
        new("seed", ParameterKind.Integer, int.MinValue, int.MaxValue),
        new("stop", ParameterKind.StringList),
        new("num_keep", ParameterKind.Integer, -1, MaxContextLength, UserTunable: false),
        new("mirostat", ParameterKind.Integer, 0, 2, UserTunable: false),
        new("mirostat_tau", ParameterKind.Float, 0, 100, UserTunable: false),
        new("mirostat_eta", ParameterKind.Float, 0, 10, UserTunable: false),
        new("penalize_newline", ParameterKind.Boolean, UserTunable: false),
        new("num_batch", ParameterKind.Integer, 1, 65_536, UserTunable: false),
        new("num_gpu", ParameterKind.Integer, -1, 1_000, UserTunable: false),
        new("main_gpu", ParameterKind.Integer, 0, 64, UserTunable: false),
        new("num_thread", ParameterKind.Integer, 0, 1_024, UserTunable: false),
        new("use_mmap", ParameterKind.Boolean, UserTunable: false),
        new("numa", ParameterKind.Boolean, UserTunable: false),
        new("low_vram", ParameterKind.Boolean, UserTunable: false),
    ];

    private static readonly Dictionary<string, ParameterSpec> ByName = Specs.ToDictionary(s => s.Name, StringComparer.Ordinal);

    /// <summary>Every known option.</summary>
    public static IReadOnlyList<ParameterSpec> All => Specs;

    /// <summary>Looks an option up by its exact (lower-case) name.</summary>
    public static bool TryGet(string name, out ParameterSpec spec) => ByName.TryGetValue(name, out spec!);

    /// <summary>Looks up an option that must exist (a name written in code, not one a user typed).</summary>
    public static ParameterSpec Get(string name) =>
        ByName.TryGetValue(name, out var spec) ? spec : throw new ArgumentOutOfRangeException(nameof(name), name, "Not an Ollama option MikuCloud knows.");
}

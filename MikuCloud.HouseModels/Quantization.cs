namespace MikuCloud.HouseModels;

/// <summary>
/// The quantizations offered for the house model's base (the Ollama tag suffix of
/// <c>qwen3-vl:8b-instruct-&lt;quant&gt;</c>).
/// </summary>
public static class Quantization
{
    /// <summary>~6.1 GB download, 8–12 GB GPUs, fastest. The default.</summary>
    public const string Q4KM = "q4_K_M";

    /// <summary>~9.8 GB download, 16 GB+ GPUs, near-lossless.</summary>
    public const string Q8 = "q8_0";

    /// <summary>~18 GB download, 24 GB+ GPUs, reference quality.</summary>
    public const string BF16 = "bf16";

    /// <summary>The supported choices, default first.</summary>
    public static IReadOnlyList<string> All { get; } = [Q4KM, Q8, BF16];

    /// <summary>Approximate download size in GB, for first-run messages.</summary>
    public static double DownloadGigabytes(string quant) => Canonical(quant) switch
    {
        Q8 => 9.8,
        BF16 => 18,
        _ => 6.1,
    };

    /// <summary>Accepts any casing (<c>Q4_K_M</c>, <c>q4_k_m</c>) and returns the canonical tag suffix.</summary>
    public static string Canonical(string quant)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(quant);
        return All.FirstOrDefault(q => string.Equals(q, quant.Trim(), StringComparison.OrdinalIgnoreCase))
               ?? throw new ArgumentException($"Unknown quantization '{quant}'. Choose one of: {string.Join(", ", All)}.", nameof(quant));
    }

    /// <summary>
    /// The base tag without its quantization suffix (<c>qwen3-vl:8b-instruct-q8_0</c> → <c>qwen3-vl:8b-instruct</c>);
    /// a tag without a known suffix is returned unchanged.
    /// </summary>
    public static string WithoutSuffix(string from)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(from);
        var suffix = All.FirstOrDefault(q => from.EndsWith("-" + q, StringComparison.OrdinalIgnoreCase));
        return suffix is null ? from : from[..^(suffix.Length + 1)];
    }

    /// <summary>
    /// Replaces the quantization suffix of a base model tag: <c>qwen3-vl:8b-instruct-q4_K_M</c> with <c>q8_0</c>
    /// becomes <c>qwen3-vl:8b-instruct-q8_0</c>. A tag without a known suffix is returned unchanged.
    /// </summary>
    public static string Apply(string from, string quant)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(from);
        var canonical = Canonical(quant);
        foreach (var q in All)
        {
            if (from.EndsWith("-" + q, StringComparison.OrdinalIgnoreCase))
            {
                return from[..^q.Length] + canonical;
            }
        }

        return from;
    }
}

namespace MikuCloud.HouseModels;

/// <summary>
/// Ollama model names. Ollama reports <c>miku-vl:latest</c> for a model created as <c>miku-vl</c>,
/// so every comparison goes through <see cref="Normalize"/>.
/// </summary>
public static class ModelName
{
    /// <summary>The tag Ollama adds when a name has none.</summary>
    public const string DefaultTag = "latest";

    /// <summary>Lower-cases and adds <c>:latest</c> when no tag is given (a registry port is not a tag).</summary>
    public static string Normalize(string name)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(name);
        name = name.Trim();
        var lastSlash = name.LastIndexOf('/');
        var hasTag = name.IndexOf(':', lastSlash + 1) >= 0;
        return (hasTag ? name : $"{name}:{DefaultTag}").ToLowerInvariant();
    }

    /// <summary>True when two names denote the same model (<c>miku-vl</c> = <c>miku-vl:latest</c>).</summary>
    public static bool AreSame(string? a, string? b) =>
        !string.IsNullOrWhiteSpace(a) && !string.IsNullOrWhiteSpace(b)
        && string.Equals(Normalize(a), Normalize(b), StringComparison.Ordinal);
}

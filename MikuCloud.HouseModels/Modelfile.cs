namespace MikuCloud.HouseModels;

/// <summary>A <c>MESSAGE role content</c> line: a seeded conversation turn.</summary>
/// <param name="Role"><c>system</c>, <c>user</c> or <c>assistant</c>.</param>
/// <param name="Content">The turn's text.</param>
public sealed record ModelfileMessage(string Role, string Content);

/// <summary>
/// A parsed Ollama Modelfile. Values are typed (<see cref="double"/>, <see cref="long"/>, <see cref="bool"/>,
/// and a list of strings for <c>stop</c>), so they can be sent as JSON exactly as Ollama expects them.
/// </summary>
public sealed class Modelfile
{
    internal Modelfile(
        string source,
        string from,
        IReadOnlyDictionary<string, object> parameters,
        string? system,
        string? template,
        string? adapter,
        IReadOnlyList<ModelfileMessage> messages,
        IReadOnlyList<string> licenses,
        string? requires,
        IReadOnlyDictionary<string, string> metadata)
    {
        Source = source;
        From = from;
        Parameters = parameters;
        System = system;
        Template = template;
        Adapter = adapter;
        Messages = messages;
        Licenses = licenses;
        Requires = requires;
        Metadata = metadata;
    }

    /// <summary>Where it came from (a file path or a name), for error messages.</summary>
    public string Source { get; }

    /// <summary>The base model (<c>FROM</c>), e.g. <c>qwen3-vl:8b-instruct-q4_K_M</c>.</summary>
    public string From { get; }

    /// <summary>PARAMETER values by option name, in file order; <c>stop</c> maps to a string list.</summary>
    public IReadOnlyDictionary<string, object> Parameters { get; }

    /// <summary>The SYSTEM prompt, if any.</summary>
    public string? System { get; }

    /// <summary>The TEMPLATE, if any (house models must not set one: qwen3-vl has a built-in renderer).</summary>
    public string? Template { get; }

    /// <summary>The ADAPTER path, if any.</summary>
    public string? Adapter { get; }

    /// <summary>MESSAGE lines.</summary>
    public IReadOnlyList<ModelfileMessage> Messages { get; }

    /// <summary>LICENSE texts.</summary>
    public IReadOnlyList<string> Licenses { get; }

    /// <summary>REQUIRES (minimum Ollama version), if any.</summary>
    public string? Requires { get; }

    /// <summary>
    /// <c># key: value</c> comment lines (keys of lower-case letters, digits, dots and dashes), which
    /// MikuCloud uses for titles and descriptions that Ollama ignores.
    /// </summary>
    public IReadOnlyDictionary<string, string> Metadata { get; }

    /// <summary>Parses Modelfile text. Throws <see cref="ModelfileException"/> naming the line on any error.</summary>
    public static Modelfile Parse(string text, string source = "Modelfile") => ModelfileParser.Parse(text, source);

    /// <summary>Reads and parses a Modelfile from disk.</summary>
    public static Modelfile Load(string path)
    {
        ArgumentNullException.ThrowIfNull(path);
        return ModelfileParser.Parse(File.ReadAllText(path), path);
    }
}

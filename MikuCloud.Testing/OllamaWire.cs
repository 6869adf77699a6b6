using System.Text.Json.Nodes;

namespace MikuCloud.Testing;

/// <summary>
/// The wire samples in ../shared/ollama-wire, found by walking up from the running program's folder (a test run's or the benchmark harness's bin/), so the fake and the
/// assertions use exactly the shapes a real Ollama sends.
/// </summary>
public static class OllamaWire
{
    private static readonly Lazy<string> Folder = new(() =>
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            foreach (var candidate in new[] { Path.Combine(dir.FullName, "shared", "ollama-wire"), Path.Combine(dir.FullName, "..", "shared", "ollama-wire") })
            {
                if (Directory.Exists(candidate))
                {
                    return Path.GetFullPath(candidate);
                }
            }
        }

        throw new DirectoryNotFoundException("shared/ollama-wire was not found above " + AppContext.BaseDirectory);
    });

    /// <summary>The full path of a sample file, e.g. <c>chat-stream.ndjson</c>.</summary>
    public static string Path_(string file) => Path.Combine(Folder.Value, file);

    /// <summary>A sample file's text.</summary>
    public static string Text(string file) => File.ReadAllText(Path_(file));

    /// <summary>A sample file holding one JSON object.</summary>
    public static JsonObject Json(string file) => (JsonObject)JsonNode.Parse(Text(file))!;

    /// <summary>An NDJSON sample file, one object per non-empty line.</summary>
    public static IReadOnlyList<JsonObject> Lines(string file) =>
        Text(file).Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
            .Select(l => (JsonObject)JsonNode.Parse(l)!).ToList();
}

namespace MikuCloud.Cli.Batches;

/// <summary>The results' format, from the output file's extension: <c>jsonl</c> or <c>csv</c>.</summary>
public static class ResultsFormat
{
    /// <summary><c>jsonl</c>, <c>csv</c>, or null when <paramref name="path"/> is neither.</summary>
    public static string? Of(string path) => Path.GetExtension(path).ToLowerInvariant() switch
    {
        ".jsonl" or ".ndjson" => "jsonl",
        ".csv" => "csv",
        _ => null,
    };
}

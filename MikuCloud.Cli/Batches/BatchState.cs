using System.Text.Json;

namespace MikuCloud.Cli.Batches;

/// <summary>
/// What a batch run has done so far, kept beside <c>--out</c> as <c>&lt;out&gt;.miku-batch.json</c> and rewritten after
/// every step: running the same command again (or <c>miku batch --resume</c>) continues from here instead of
/// starting over. Deleted once the results are written.
/// </summary>
public sealed record BatchState
{
    /// <summary>The state file's suffix after the results file's name.</summary>
    public const string Suffix = ".miku-batch.json";

    public required string Url { get; init; }
    public required Guid BatchId { get; init; }
    public required string Prompt { get; init; }
    public required string Out { get; init; }
    public required IReadOnlyList<string> Paths { get; init; }

    /// <summary>Upload names the API has (as items, or refused at once, so not worth sending again).</summary>
    public IReadOnlyList<string> Uploaded { get; init; } = [];

    /// <summary>Files the API refused at upload, with its code and reason: they count as failed items.</summary>
    public IReadOnlyList<RefusedFile> Refused { get; init; } = [];

    /// <summary>Whether <c>POST …/start</c> was answered.</summary>
    public bool Started { get; init; }

    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web) { WriteIndented = true };

    /// <summary>The state file for the results file <paramref name="outPath"/>.</summary>
    public static string PathFor(string outPath) => Path.GetFullPath(outPath) + Suffix;

    /// <summary>The state in <paramref name="path"/>, or null when there is none.</summary>
    public static BatchState? Load(string path)
    {
        if (!File.Exists(path))
        {
            return null;
        }

        try
        {
            return JsonSerializer.Deserialize<BatchState>(File.ReadAllText(path), Json);
        }
        catch (JsonException ex)
        {
            throw new CliFailure(ExitCodes.Usage, $"The state file {path} is damaged ({ex.Message}); delete it to start over.", ex);
        }
    }

    /// <summary>Writes the state to <paramref name="path"/> whole or not at all (a kill mid-write leaves the previous state).</summary>
    public void Save(string path)
    {
        var temporary = path + ".tmp";
        File.WriteAllText(temporary, JsonSerializer.Serialize(this, Json));
        File.Move(temporary, path, overwrite: true);
    }
}


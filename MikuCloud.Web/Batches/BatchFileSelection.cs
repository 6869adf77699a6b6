using MikuCloud.Web.Localization;

namespace MikuCloud.Web.Batches;

/// <summary>
/// The files chosen for a new batch, over any number of picks and drops: each adds to what is there (the same name and
/// size twice is one file), one can be taken out, all can be cleared. Files that came out of a folder are kept only if
/// they are images or zips (a folder also holds notes and system files nobody meant to send); files picked one by one
/// go to the API as they are, which explains any it refuses. Knows nothing of the browser: a pick arrives as sources.
/// </summary>
public sealed class BatchFileSelection
{
    /// <summary>Most files a new batch takes from the browser; more belong in a zip.</summary>
    public const int MaxFiles = 2000;

    /// <summary>The extensions the API reads (as the <c>miku</c> tool picks them from a folder).</summary>
    private static readonly HashSet<string> Accepted = new(StringComparer.OrdinalIgnoreCase) { ".jpg", ".jpeg", ".png", ".webp", ".gif", ".zip" };

    private readonly List<BatchFileSource> files = [];
    private readonly HashSet<(string Name, long Size)> keys = [];

    /// <summary>The chosen files, in the order they were added.</summary>
    public IReadOnlyList<BatchFileSource> Files => files;

    public long TotalBytes => files.Sum(f => f.Size);

    /// <summary>Adds a pick's files (names may be folder paths, <c>photos/sub/a.png</c>) and says what became of them.</summary>
    public BatchPickOutcome Add(IEnumerable<BatchFileSource> picked)
    {
        ArgumentNullException.ThrowIfNull(picked);
        int added = 0, duplicates = 0, notImages = 0, overLimit = 0;
        foreach (var file in picked)
        {
            if (IsFromFolder(file.Name) && !IsImageOrZip(file.Name))
            {
                notImages++;
            }
            else if (!keys.Add((file.Name, file.Size)))
            {
                duplicates++;
            }
            else if (files.Count >= MaxFiles)
            {
                keys.Remove((file.Name, file.Size));
                overLimit++;
            }
            else
            {
                files.Add(file);
                added++;
            }
        }

        return new BatchPickOutcome(added, duplicates, notImages, overLimit);
    }

    /// <summary>Takes one file out of the selection.</summary>
    public void Remove(BatchFileSource file)
    {
        ArgumentNullException.ThrowIfNull(file);
        if (files.Remove(file))
        {
            keys.Remove((file.Name, file.Size));
        }
    }

    public void Clear()
    {
        files.Clear();
        keys.Clear();
    }

    /// <summary>What to tell the user about a pick, or null when every file was added.</summary>
    public static string? Notice(BatchPickOutcome outcome, UiText text)
    {
        ArgumentNullException.ThrowIfNull(outcome);
        ArgumentNullException.ThrowIfNull(text);
        if (outcome.Added == 0 && outcome.Duplicates == 0 && outcome.OverLimit == 0)
        {
            return text["batches.files.noImages"];
        }

        var parts = new List<string>();
        if (outcome.NotImages > 0)
        {
            parts.Add(text.Format("batches.files.skippedNotImages", outcome.NotImages));
        }

        if (outcome.Duplicates > 0)
        {
            parts.Add(text.Format("batches.files.skippedDuplicates", outcome.Duplicates));
        }

        if (outcome.OverLimit > 0)
        {
            parts.Add(text.Format("batches.files.tooMany", MaxFiles));
        }

        return parts.Count == 0 ? null : string.Join(" ", parts);
    }

    private static bool IsFromFolder(string name) => name.Contains('/', StringComparison.Ordinal);

    private static bool IsImageOrZip(string name) =>
        Accepted.Contains(Path.GetExtension(name)) && !Path.GetFileName(name).StartsWith('.');
}

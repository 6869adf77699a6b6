namespace MikuCloud.Cli.Batches;

/// <summary>Finds the files a batch sends: images and zips, recursively in folders, in a stable order.</summary>
public static class BatchInputs
{
    /// <summary>
    /// The images and zips under <paramref name="paths"/> (files by extension; the API checks the bytes), sorted by
    /// upload name so that every run sees the same list, and how many other files were passed over.
    /// </summary>
    public static (IReadOnlyList<BatchInput> Inputs, int Skipped) Find(IEnumerable<string> paths)
    {
        ArgumentNullException.ThrowIfNull(paths);
        var found = new Dictionary<string, BatchInput>(StringComparer.Ordinal);
        var skipped = 0;
        foreach (var path in paths)
        {
            var candidates = Directory.Exists(path)
                ? Directory.EnumerateFiles(path, "*", new EnumerationOptions { RecurseSubdirectories = true, IgnoreInaccessible = true })
                    .Select(f => (File: f, Name: Path.GetRelativePath(path, f)))
                : [(File: path, Name: Path.GetFileName(path))];
            foreach (var (file, name) in candidates)
            {
                if (!ImageFiles.IsBatchInput(file))
                {
                    skipped++;
                    continue;
                }

                var input = new BatchInput(Path.GetFullPath(file), name.Replace(Path.DirectorySeparatorChar, '/'), new FileInfo(file).Length);
                if (found.TryGetValue(input.UploadName, out var other) && other.FullPath != input.FullPath)
                {
                    throw new CliFailure(ExitCodes.Usage, $"Two files would have the same name in the results: {other.FullPath} and {input.FullPath}.");
                }

                found[input.UploadName] = input;
            }
        }

        return (found.Values.OrderBy(i => i.UploadName, StringComparer.Ordinal).ToList(), skipped);
    }
}

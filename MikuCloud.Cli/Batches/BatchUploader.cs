namespace MikuCloud.Cli.Batches;

/// <summary>
/// Sends a batch's files in chunks (at most <see cref="MaxFilesPerChunk"/> files or <see cref="MaxBytesPerChunk"/>
/// bytes a request; a larger file goes alone), saving the state after each so an interruption costs one chunk at most,
/// and skipping what the state or the batch's own item list says already arrived.
/// </summary>
public sealed class BatchUploader(BatchApi api, string statePath)
{
    public const int MaxFilesPerChunk = 32;
    public const long MaxBytesPerChunk = 16L * 1024 * 1024;

    /// <summary>
    /// Uploads what <paramref name="state"/> does not list yet; <paramref name="progress"/> hears (files sent, of how many).
    /// Returns the state with every file uploaded or refused.
    /// </summary>
    public async Task<BatchState> UploadAsync(BatchState state, IReadOnlyList<BatchInput> inputs, Action<int, int> progress, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(state);
        ArgumentNullException.ThrowIfNull(inputs);
        ArgumentNullException.ThrowIfNull(progress);
        var done = new HashSet<string>(state.Uploaded, StringComparer.Ordinal);
        // A run killed after the API took a chunk but before the state was saved: the batch's items say what arrived.
        foreach (var name in await api.ItemNamesAsync(state.BatchId, cancellationToken))
        {
            done.Add(name);
            var slash = name.IndexOf(".zip/", StringComparison.OrdinalIgnoreCase);
            if (slash > 0)
            {
                done.Add(name[..(slash + 4)]); // a zip's entries are named archive.zip/inner/path.jpg
            }
        }

        var pending = inputs.Where(i => !done.Contains(i.UploadName)).ToList();
        var sent = inputs.Count - pending.Count;
        progress(sent, inputs.Count);
        foreach (var chunk in Chunks(pending))
        {
            var added = await api.AddItemsAsync(state.BatchId, chunk, cancellationToken);
            state = state with
            {
                Uploaded = [.. state.Uploaded, .. chunk.Select(c => c.UploadName)],
                Refused = [.. state.Refused, .. added.Refused.Select(r => new RefusedFile(r.FileName, r.Code, r.Message))],
            };
            state.Save(statePath);
            sent += chunk.Count;
            progress(sent, inputs.Count);
        }

        return state;
    }

    private static IEnumerable<List<BatchInput>> Chunks(IEnumerable<BatchInput> pending)
    {
        var chunk = new List<BatchInput>();
        long bytes = 0;
        foreach (var input in pending)
        {
            if (chunk.Count > 0 && (chunk.Count == MaxFilesPerChunk || bytes + input.Length > MaxBytesPerChunk))
            {
                yield return chunk;
                chunk = [];
                bytes = 0;
            }

            chunk.Add(input);
            bytes += input.Length;
        }

        if (chunk.Count > 0)
        {
            yield return chunk;
        }
    }
}

using System.Runtime.CompilerServices;
using System.Threading.Channels;
using MikuCloud.Web.Api;

namespace MikuCloud.Tests.Web.Batches;

/// <summary>A scripted batch API for component tests: records every call, reads uploads to the end like the API.</summary>
public sealed class FakeMikuBatchApi : IMikuBatchApi
{
    public Dictionary<Guid, BatchDto> Batches { get; } = [];

    public Dictionary<Guid, List<BatchItemDto>> Items { get; } = [];

    /// <summary>Every call in order: <c>create</c>, <c>add {file}</c>, <c>start</c>, <c>cancel</c>, <c>retry-failed</c>, <c>retry {itemId}</c>, <c>delete</c>.</summary>
    public List<string> Calls { get; } = [];

    public List<NewBatchRequest> Created { get; } = [];

    /// <summary>The bytes of each uploaded file, by name.</summary>
    public Dictionary<string, byte[]> Received { get; } = [];

    /// <summary>Files the fake refuses (name → problem code), as the API does a non-image.</summary>
    public Dictionary<string, string> Refuse { get; } = [];

    /// <summary>Called after each chunk the fake reads from an upload.</summary>
    public Action? ChunkRead { get; set; }

    /// <summary>Files the API takes but finds no image in (an empty zip): nothing added, nothing refused.</summary>
    public HashSet<string> NothingIn { get; } = [];

    /// <summary>The events of each batch's stream; a test writes into them.</summary>
    public Dictionary<Guid, Channel<BatchEvent>> Events { get; } = [];

    public static BatchDto Batch(Guid id, string status, int total, int completed = 0, int failed = 0, int running = 0, int cancelled = 0,
        double? rate = null, double? eta = null) =>
        new(id, "2026-12-06 10:00", status, "详细描述图片中的物体", "vision", null, null, false, total, total - completed - failed - running - cancelled,
            running, completed, failed, cancelled, 0, 0, rate, null, eta, DateTime.UtcNow, DateTime.UtcNow, null);

    public static BatchItemDto Item(int index, string status, string? answer = null, ErrorDto? error = null) =>
        new(Guid.NewGuid(), index, $"photos.zip/{index}.jpg", status, answer, null, error, null, null, 1, "/api/thumb", null);

    public Task<Page<BatchDto>> ListBatchesAsync(string? cursor, int limit = 50, CancellationToken cancellationToken = default) =>
        Task.FromResult(new Page<BatchDto>(Batches.Values.OrderByDescending(b => b.CreatedAt).ToList(), null));

    public Task<BatchDto?> GetBatchAsync(Guid id, CancellationToken cancellationToken = default) => Task.FromResult(Batches.GetValueOrDefault(id));

    public Task<BatchDto> CreateDraftAsync(NewBatchRequest request, CancellationToken cancellationToken = default)
    {
        Calls.Add("create");
        Created.Add(request);
        var batch = Batch(Guid.NewGuid(), BatchStatus.Draft, 0);
        Batches[batch.Id] = batch;
        Items[batch.Id] = [];
        return Task.FromResult(batch);
    }

    public async Task<BatchItemsAdded> AddFileAsync(Guid id, string fileName, Stream content, CancellationToken cancellationToken = default)
    {
        Calls.Add($"add {fileName}");
        using var copy = new MemoryStream();
        var buffer = new byte[16 * 1024];
        int read;
        while ((read = await content.ReadAsync(buffer, cancellationToken)) > 0)
        {
            copy.Write(buffer, 0, read);
            ChunkRead?.Invoke();
        }

        Received[fileName] = copy.ToArray();
        if (Refuse.TryGetValue(fileName, out var code))
        {
            return new BatchItemsAdded(Batches[id], [], [new BatchFileRefused(fileName, code, "Unsupported image format; send a JPEG, PNG, WebP or GIF image.")]);
        }

        if (NothingIn.Contains(fileName))
        {
            return new BatchItemsAdded(Batches[id], [], []);
        }

        var item = Item(Items[id].Count, BatchItemStatus.Queued) with { FileName = fileName };
        Items[id].Add(item);
        Batches[id] = Batches[id] with { Total = Items[id].Count, Queued = Items[id].Count };
        return new BatchItemsAdded(Batches[id], [item], []);
    }

    public Task<BatchDto> StartAsync(Guid id, CancellationToken cancellationToken = default) => Act("start", id, b => b with { Status = BatchStatus.Queued });

    public Task<BatchDto> CancelAsync(Guid id, CancellationToken cancellationToken = default) => Act("cancel", id, b => b with { Status = BatchStatus.Cancelled });

    public Task<BatchDto> RetryFailedAsync(Guid id, CancellationToken cancellationToken = default) =>
        Act("retry-failed", id, b => b with { Status = BatchStatus.Queued, Queued = b.Queued + b.Failed, Failed = 0 });

    public Task<BatchDto> RetryItemAsync(Guid id, Guid itemId, CancellationToken cancellationToken = default) =>
        Act($"retry {itemId}", id, b => b with { Status = BatchStatus.Queued, Queued = b.Queued + 1, Failed = b.Failed - 1 });

    public Task DeleteAsync(Guid id, CancellationToken cancellationToken = default)
    {
        Calls.Add("delete");
        Batches.Remove(id);
        return Task.CompletedTask;
    }

    public Task<Page<BatchItemDto>> ListItemsAsync(Guid id, string? cursor, int limit = 100, CancellationToken cancellationToken = default) =>
        Task.FromResult(new Page<BatchItemDto>(Items.GetValueOrDefault(id) ?? [], null));

    public async IAsyncEnumerable<BatchEvent> FollowAsync(Guid id, [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        var channel = Events.TryGetValue(id, out var existing) ? existing : Events[id] = Channel.CreateUnbounded<BatchEvent>();
        await foreach (var batchEvent in channel.Reader.ReadAllAsync(cancellationToken))
        {
            yield return batchEvent;
            if (batchEvent is BatchFinished)
            {
                yield break;
            }
        }
    }

    private Task<BatchDto> Act(string call, Guid id, Func<BatchDto, BatchDto> change)
    {
        Calls.Add(call);
        Batches[id] = change(Batches[id]);
        return Task.FromResult(Batches[id]);
    }
}

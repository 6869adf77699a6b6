using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using MikuCloud.Api.Data;

namespace MikuCloud.Api.Batches;

/// <summary>
/// One upload's items going into a batch: each file through the <see cref="BatchUploadReader"/> (images, zips of images), items saved in small
/// chunks as they come (never the whole upload in memory), within the per-batch item limit and the owner's storage
/// quota. A refusal of the upload as a whole (a quota, a broken body) takes back every item it added (<see cref="UndoAsync"/>).
/// </summary>
public sealed class BatchItemIntake(ChatDbContext db, BatchUploadReader reader, IOptions<BatchOptions> options)
{
    private const int ChunkSize = 32;
    private readonly List<BatchItem> pending = [];
    private readonly List<BatchItem> added = [];
    private readonly List<BatchFileRefused> refused = [];
    private Batch batch = null!;
    private int firstIndex;
    private long storedBytes;

    /// <summary>Items added so far (without their bytes once saved).</summary>
    public IReadOnlyList<BatchItem> Added => added;

    /// <summary>Files refused so far.</summary>
    public IReadOnlyList<BatchFileRefused> Refused => refused;

    /// <summary>Starts adding to <paramref name="target"/> (tracked by this scope's context).</summary>
    public async Task BeginAsync(Batch target, CancellationToken cancellationToken)
    {
        batch = target;
        firstIndex = target.Total;
        var owner = target.OwnerId;
        storedBytes = await db.BatchItems.Where(i => i.OwnerId == owner).SumAsync(i => i.StoredBytes, cancellationToken);
    }

    /// <summary>Adds one uploaded file's items (refusals are collected, never thrown).</summary>
    public async Task AddFileAsync(string fileName, Stream content, CancellationToken cancellationToken)
    {
        var limits = options.Value;
        await foreach (var result in reader.ReadAsync(new BatchUploadFile(fileName, content), cancellationToken))
        {
            if (result.Item is not { } upload)
            {
                refused.Add(result.Refused!);
                continue;
            }

            if (batch.Total >= limits.MaxItemsPerBatch)
            {
                throw BatchProblems.TooManyItems(limits.MaxItemsPerBatch);
            }

            var image = upload.Image.Data;
            storedBytes += image.LongLength;
            if (storedBytes > limits.MaxStoredBytesPerUser)
            {
                throw BatchProblems.StorageQuota(limits.MaxStoredBytesPerUser);
            }

            var item = new BatchItem
            {
                Id = Guid.CreateVersion7(), BatchId = batch.Id, OwnerId = batch.OwnerId, Index = batch.Total++, FileName = upload.FileName,
                Status = BatchItemStatus.Queued, Image = image, StoredBytes = image.LongLength, Thumbnail = upload.Thumbnail,
            };
            db.BatchItems.Add(item);
            pending.Add(item);
            if (pending.Count >= ChunkSize)
            {
                await FlushAsync(cancellationToken);
            }
        }
    }

    /// <summary>Saves what is left (and the batch's new total).</summary>
    public async Task FlushAsync(CancellationToken cancellationToken)
    {
        await db.SaveChangesAsync(cancellationToken);
        foreach (var item in pending)
        {
            // Saved: the bytes need not stay in memory for the rest of the upload.
            db.Entry(item).State = EntityState.Detached;
            (item.Image, item.Thumbnail) = (null, item.Thumbnail is null ? null : []);
            added.Add(item);
        }

        pending.Clear();
    }

    /// <summary>Takes back every item this upload added (the upload was refused as a whole).</summary>
    public async Task UndoAsync()
    {
        foreach (var item in pending)
        {
            db.Entry(item).State = EntityState.Detached;
        }

        pending.Clear();
        var id = batch.Id;
        await db.BatchItems.Where(i => i.BatchId == id && i.Index >= firstIndex).ExecuteDeleteAsync(CancellationToken.None);
        await db.Batches.Where(b => b.Id == id).ExecuteUpdateAsync(s => s.SetProperty(b => b.Total, firstIndex), CancellationToken.None);
        added.Clear();
    }
}

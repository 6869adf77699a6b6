using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using MikuCloud.Api.Data;

namespace MikuCloud.Api.Batches;

/// <summary>
/// One upload's items going into a batch: each file through the <see cref="BatchUploadReader"/> (images, zips of images), items saved in small
/// chunks as they come (never the whole upload in memory), within the per-batch item limit and the owner's storage
/// quota. Each chunk reserves its indexes and inserts its items in one transaction (<see cref="BatchIndexReservation"/>),
/// so uploads running at once into one draft never number two items alike, and a start orders before or after a
/// whole chunk. A refusal of the upload as a whole (a quota, a broken body) takes back exactly the items it added (<see cref="UndoAsync"/>).
/// </summary>
public sealed class BatchItemIntake(ChatDbContext db, BatchUploadReader reader, IOptions<BatchOptions> options)
{
    private const int ChunkSize = 32;
    private readonly List<BatchItem> pending = [];
    private readonly List<BatchItem> added = [];
    private readonly List<BatchFileRefused> refused = [];
    private readonly List<(int First, int Count)> reservations = [];
    private Batch batch = null!;
    private long storedBytes;
    private string? closedBy;

    /// <summary>Items added so far (without their bytes once saved).</summary>
    public IReadOnlyList<BatchItem> Added => added;

    /// <summary>Files refused so far.</summary>
    public IReadOnlyList<BatchFileRefused> Refused => refused;

    /// <summary>Starts adding to <paramref name="target"/>.</summary>
    public async Task BeginAsync(Batch target, CancellationToken cancellationToken)
    {
        batch = target;
        var owner = target.OwnerId;
        storedBytes = await db.BatchItems.Where(i => i.OwnerId == owner).SumAsync(i => i.StoredBytes, cancellationToken);
    }

    /// <summary>Adds one uploaded file's items (refusals are collected, never thrown).</summary>
    public async Task AddFileAsync(string fileName, Stream content, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(content);
        if (closedBy is not null)
        {
            // Started while this upload was arriving: the rest is refused unread.
            refused.Add(NotAdded(fileName));
            return;
        }

        var limits = options.Value;
        await foreach (var result in reader.ReadAsync(new BatchUploadFile(fileName, content), cancellationToken))
        {
            if (result.Item is not { } upload)
            {
                refused.Add(result.Refused!);
                continue;
            }

            if (closedBy is not null)
            {
                refused.Add(NotAdded(upload.FileName));
                continue;
            }

            var image = upload.Image.Data;
            storedBytes += image.LongLength;
            if (storedBytes > limits.MaxStoredBytesPerUser)
            {
                throw BatchProblems.StorageQuota(limits.MaxStoredBytesPerUser);
            }

            var item = new BatchItem
            {
                Id = Guid.CreateVersion7(), BatchId = batch.Id, OwnerId = batch.OwnerId, FileName = upload.FileName,
                Status = BatchItemStatus.Queued, Image = image, StoredBytes = image.LongLength, Thumbnail = upload.Thumbnail,
            };
            pending.Add(item);
            if (pending.Count >= ChunkSize)
            {
                await FlushAsync(cancellationToken);
            }
        }
    }

    /// <summary>
    /// Saves what is left: reserves its indexes and inserts it, in one transaction. Should the batch have been started
    /// (or cancelled) meanwhile, nothing more is added: with nothing added yet the upload is refused as a whole (409
    /// <c>batch_not_draft</c>); otherwise what was added before is part of the job and the rest is listed as refused.
    /// </summary>
    public async Task FlushAsync(CancellationToken cancellationToken)
    {
        if (pending.Count == 0)
        {
            return;
        }

        await using (var transaction = await db.Database.BeginTransactionAsync(cancellationToken))
        {
            var first = await BatchIndexReservation.ReserveAsync(db, batch.Id, pending.Count, options.Value.MaxItemsPerBatch, cancellationToken);
            if (first is null)
            {
                await transaction.RollbackAsync(cancellationToken);
                await CloseAsync(cancellationToken);
                return;
            }

            for (var k = 0; k < pending.Count; k++)
            {
                pending[k].Index = first.Value + k;
            }

            db.BatchItems.AddRange(pending);
            await db.SaveChangesAsync(cancellationToken);
            await transaction.CommitAsync(cancellationToken);
            reservations.Add((first.Value, pending.Count));
        }

        foreach (var item in pending)
        {
            // Saved: the bytes need not stay in memory for the rest of the upload.
            db.Entry(item).State = EntityState.Detached;
            (item.Image, item.Thumbnail) = (null, item.Thumbnail is null ? null : []);
            added.Add(item);
        }

        pending.Clear();
    }

    /// <summary>Takes back the items this upload added (the upload was refused as a whole), and their indexes where no later upload took the next ones.</summary>
    public async Task UndoAsync()
    {
        foreach (var item in pending.Where(i => db.Entry(i).State != EntityState.Detached))
        {
            db.Entry(item).State = EntityState.Detached;
        }

        pending.Clear();
        var ids = added.Select(i => i.Id).ToList();
        if (ids.Count > 0)
        {
            await db.BatchItems.Where(i => ids.Contains(i.Id)).ExecuteDeleteAsync(CancellationToken.None);
        }

        for (var r = reservations.Count - 1; r >= 0; r--)
        {
            await BatchIndexReservation.GiveBackAsync(db, batch.Id, reservations[r].First, reservations[r].Count, CancellationToken.None);
        }

        added.Clear();
        reservations.Clear();
    }

    /// <summary>The batch is no longer a draft (or is gone): refuse the whole upload if nothing is in yet, else keep what is and refuse the rest.</summary>
    private async Task CloseAsync(CancellationToken cancellationToken)
    {
        // Reloaded, so the answer shows the batch as it is now (a deleted one is detached).
        await db.Entry(batch).ReloadAsync(cancellationToken);
        if (db.Entry(batch).State == EntityState.Detached)
        {
            throw BatchProblems.NotFound(batch.Id);
        }

        var status = batch.Status;

        if (status == BatchStatus.Draft)
        {
            throw BatchProblems.TooManyItems(options.Value.MaxItemsPerBatch);
        }

        if (added.Count == 0)
        {
            throw BatchProblems.NotDraft(status);
        }

        closedBy = status;
        refused.AddRange(pending.Select(i => NotAdded(i.FileName)));
        pending.Clear();
    }

    private BatchFileRefused NotAdded(string? fileName) =>
        new(fileName ?? "", ProblemCodes.BatchNotDraft, $"The batch was {closedBy} while this upload was arriving; this file was not added to it.");
}

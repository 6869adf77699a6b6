using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using MikuCloud.Api.Conversations;
using MikuCloud.Api.Data;
using MikuCloud.HouseModels;

namespace MikuCloud.Api.Batches;

/// <summary>
/// The batch endpoints that take uploads: create (fields, then any number of <c>files</c> parts) and add items to a
/// draft. Files are read part by part and saved in chunks as they arrive; a refused file never stops the others.
/// </summary>
public static class BatchUploadEndpoints
{
    internal static async Task<Created<BatchItemsAdded>> CreateAsync(HttpContext http, ChatDbContext db, BatchItemIntake intake, BatchLifecycle lifecycle,
        BatchStore store, HouseModelCatalog catalog, IOptions<BatchOptions> options, TimeProvider time)
    {
        var owner = CurrentOwner.Of(http);
        var cancellationToken = http.RequestAborted;
        var fields = new Dictionary<string, string>(StringComparer.Ordinal);
        Batch? batch = null;
        BatchSettings? settings = null;
        try
        {
            await foreach (var part in BatchUploadForm.ReadAsync(http.Request, cancellationToken))
            {
                if (!part.IsFile)
                {
                    if (batch is not null)
                    {
                        throw ApiProblem.Invalid(part.Name, "Send the fields (prompt, name, presetId, options, schema, keepImages, start) before the files.");
                    }

                    fields[part.Name] = part.Value!;
                }
                else if (part.Name == "files")
                {
                    if (batch is null)
                    {
                        (batch, settings) = await NewBatchAsync(owner, fields, db, catalog, options.Value, time, cancellationToken);
                        await intake.BeginAsync(batch, cancellationToken);
                    }

                    await BatchUploadForm.ReadFileAsync(() => intake.AddFileAsync(part.FileName!, part.Body!, cancellationToken), cancellationToken);
                }
            }

            if (batch is null)
            {
                (batch, settings) = await NewBatchAsync(owner, fields, db, catalog, options.Value, time, cancellationToken);
                await intake.BeginAsync(batch, cancellationToken);
            }

            await intake.FlushAsync(cancellationToken);
        }
        catch when (batch is not null)
        {
            // Refused as a whole (a quota, a broken body): nothing of it stays.
            await db.BatchItems.Where(i => i.BatchId == batch.Id).ExecuteDeleteAsync(CancellationToken.None);
            await db.Batches.Where(b => b.Id == batch.Id).ExecuteDeleteAsync(CancellationToken.None);
            throw;
        }

        if (settings!.Start ?? intake.Added.Count > 0)
        {
            batch = await lifecycle.StartAsync(owner, batch.Id, cancellationToken);
        }

        return TypedResults.Created(BatchMapping.BatchUrl(batch.Id), await AddedAsync(batch, intake, store, cancellationToken));
    }

    internal static async Task<Ok<BatchItemsAdded>> AddItemsAsync(Guid id, HttpContext http, BatchItemIntake intake, BatchStore store)
    {
        var owner = CurrentOwner.Of(http);
        var cancellationToken = http.RequestAborted;
        var batch = await store.FindOwnedAsync(owner, id, cancellationToken);
        if (batch.Status != BatchStatus.Draft)
        {
            throw BatchProblems.NotDraft(batch.Status);
        }

        await intake.BeginAsync(batch, cancellationToken);
        try
        {
            await foreach (var part in BatchUploadForm.ReadAsync(http.Request, cancellationToken))
            {
                if (part.IsFile && part.Name == "files")
                {
                    await BatchUploadForm.ReadFileAsync(() => intake.AddFileAsync(part.FileName!, part.Body!, cancellationToken), cancellationToken);
                }
            }

            await intake.FlushAsync(cancellationToken);
        }
        catch
        {
            await intake.UndoAsync();
            throw;
        }

        return TypedResults.Ok(await AddedAsync(batch, intake, store, cancellationToken));
    }

    private static async Task<(Batch, BatchSettings)> NewBatchAsync(string owner, Dictionary<string, string> fields, ChatDbContext db, HouseModelCatalog catalog,
        BatchOptions limits, TimeProvider time, CancellationToken cancellationToken)
    {
        var settings = BatchSettings.Parse(fields, catalog, limits);
        var active = await db.Batches.CountAsync(b => b.OwnerId == owner
            && (b.Status == BatchStatus.Draft || b.Status == BatchStatus.Queued || b.Status == BatchStatus.Running), cancellationToken);
        if (active >= limits.MaxActiveBatchesPerUser)
        {
            throw BatchProblems.TooManyBatches(limits.MaxActiveBatchesPerUser);
        }

        var now = Timestamps.Now(time);
        var batch = new Batch
        {
            Id = Guid.CreateVersion7(), OwnerId = owner, Name = settings.Name.Length > 0 ? settings.Name : $"Batch {now:yyyy-MM-dd HH:mm}",
            Status = BatchStatus.Draft, Prompt = settings.Prompt, PresetId = settings.PresetId, Model = settings.Model, OptionsJson = settings.Options?.ToJsonString(),
            SchemaJson = settings.Schema?.ToJsonString(), KeepImages = settings.KeepImages, CreatedAt = now,
        };
        db.Batches.Add(batch);
        await db.SaveChangesAsync(cancellationToken);
        return (batch, settings);
    }

    private static async Task<BatchItemsAdded> AddedAsync(Batch batch, BatchItemIntake intake, BatchStore store, CancellationToken cancellationToken)
    {
        var added = intake.Added.Select(i => BatchMapping.ToDto(new BatchItemRow(i.Id, i.BatchId, i.Index, i.FileName, i.Status, null, null, null, null,
            null, null, null, null, 0, i.Thumbnail is not null, null))).ToList();
        return new BatchItemsAdded(await store.ToDtoAsync(batch, cancellationToken), added, intake.Refused);
    }
}

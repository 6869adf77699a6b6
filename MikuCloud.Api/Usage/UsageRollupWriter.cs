using Microsoft.EntityFrameworkCore;
using MikuCloud.Api.Data;

namespace MikuCloud.Api.Usage;

/// <summary>
/// Saves pending changes that add <see cref="AnswerUsage"/> rows together with their <see cref="UsageRollup"/>
/// increments, in one transaction: the rollup never counts an answer that was not recorded, nor misses one that was.
/// </summary>
public static class UsageRollupWriter
{
    /// <summary>
    /// Saves the context's changes and adds <paramref name="usages"/> (among them) to the rollup; commits both or neither.
    /// Changes are accepted only after the commit, so a caller that catches the failure can still save what remains.
    /// </summary>
    public static async Task SaveWithRollupAsync(this ChatDbContext db, IReadOnlyCollection<AnswerUsage> usages, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(db);
        ArgumentNullException.ThrowIfNull(usages);
        if (db.Database.CurrentTransaction is not null)
        {
            await SaveAndAddAsync(db, usages, cancellationToken); // the caller's transaction decides
            db.ChangeTracker.AcceptAllChanges();
            return;
        }

        await using var transaction = await db.Database.BeginTransactionAsync(cancellationToken);
        await SaveAndAddAsync(db, usages, cancellationToken);
        await transaction.CommitAsync(cancellationToken);
        db.ChangeTracker.AcceptAllChanges();
    }

    private static async Task SaveAndAddAsync(ChatDbContext db, IReadOnlyCollection<AnswerUsage> usages, CancellationToken cancellationToken)
    {
        await db.SaveChangesAsync(acceptAllChangesOnSuccess: false, cancellationToken);
        foreach (var usage in usages)
        {
            try
            {
                await db.Database.ExecuteSqlRawAsync(UsageRollupSql.Upsert(TtftHistogram.BucketOf(usage.TimeToFirstTokenMs)), UsageRollupSql.UpsertArguments(usage), cancellationToken);
            }
            catch (Exception ex) when (ex is System.Data.Common.DbException)
            {
                // As a failed save would: the callers' fallbacks (save the answer alone, log the usage as lost) apply.
                throw new DbUpdateException("The usage rollup could not be updated.", ex);
            }
        }
    }
}

using Microsoft.EntityFrameworkCore;

namespace MikuCloud.Api.Batches;

/// <summary>The batch tables' columns and indexes (applied by <c>ChatDbContext</c>).</summary>
public static class BatchModel
{
    public static void Configure(ModelBuilder modelBuilder)
    {
        ArgumentNullException.ThrowIfNull(modelBuilder);
        modelBuilder.Entity<Batch>(b =>
        {
            b.Property(x => x.OwnerId).HasMaxLength(128);
            b.Property(x => x.Name).HasMaxLength(200);
            b.Property(x => x.Status).HasMaxLength(16);
            b.Property(x => x.PresetId).HasMaxLength(64);
            b.Property(x => x.Model).HasMaxLength(200);
            b.Property(x => x.OptionsJson).HasMaxLength(4_000);
            // The list: my batches, newest first; the active-batches quota counts by owner.
            b.HasIndex(x => new { x.OwnerId, x.CreatedAt, x.Id });
            b.HasMany<BatchItem>().WithOne().HasForeignKey(i => i.BatchId).OnDelete(DeleteBehavior.Cascade);
        });

        modelBuilder.Entity<BatchItem>(i =>
        {
            i.Property(x => x.OwnerId).HasMaxLength(128);
            i.Property(x => x.FileName).HasMaxLength(1_024);
            i.Property(x => x.Status).HasMaxLength(16);
            i.Property(x => x.ErrorCode).HasMaxLength(64);
            i.Property(x => x.ErrorMessage).HasMaxLength(2_000);
            i.Property(x => x.ClaimedBy).HasMaxLength(64);
            // Results and pages in index order; one item per position.
            i.HasIndex(x => new { x.BatchId, x.Index }).IsUnique();
            // The worker's claim looks for queued items, recovery for expired running ones.
            i.HasIndex(x => new { x.Status, x.ClaimExpiresAt });
            // The per-user storage quota sums by owner.
            i.HasIndex(x => new { x.OwnerId, x.StoredBytes });
        });
    }
}

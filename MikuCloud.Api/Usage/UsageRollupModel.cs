using Microsoft.EntityFrameworkCore;

namespace MikuCloud.Api.Usage;

/// <summary>The <see cref="UsageRollup"/> table: its key (the range every analytics query reads) and histogram columns.</summary>
public static class UsageRollupModel
{
    public static void Configure(ModelBuilder modelBuilder)
    {
        ArgumentNullException.ThrowIfNull(modelBuilder);
        modelBuilder.Entity<UsageRollup>(r =>
        {
            // Grain and dimension first: a window's rows for one grouping are one contiguous range of the key.
            r.HasKey(x => new { x.Grain, x.Dimension, x.PeriodStart, x.Key });
            r.Property(x => x.Dimension).HasMaxLength(8);
            r.Property(x => x.Key).HasMaxLength(200);
            foreach (var column in TtftHistogram.Columns)
            {
                r.Property<long>(column).HasDefaultValue(0L);
            }
        });
    }
}

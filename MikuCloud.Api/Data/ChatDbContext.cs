using Microsoft.EntityFrameworkCore;

namespace MikuCloud.Api.Data;

/// <summary>
/// Chat history. Provider-specific subclasses carry their own migrations (SQLite by default,
/// PostgreSQL with <c>Database:Provider=postgres</c>); code depends on this base type only.
/// </summary>
public abstract class ChatDbContext(DbContextOptions options) : DbContext(options)
{
    public DbSet<Conversation> Conversations => Set<Conversation>();
    public DbSet<Message> Messages => Set<Message>();
    public DbSet<StoredImage> Images => Set<StoredImage>();

    protected override void OnModelCreating(ModelBuilder modelBuilder)
    {
        modelBuilder.Entity<Conversation>(c =>
        {
            c.Property(x => x.OwnerId).HasMaxLength(128);
            c.Property(x => x.Title).HasMaxLength(200);
            c.Property(x => x.PresetId).HasMaxLength(64);
            c.Property(x => x.SystemPrompt).HasMaxLength(20_000);
            c.Property(x => x.OptionsJson).HasMaxLength(4_000);
            // Sidebar: my conversations, most recently active first.
            c.HasIndex(x => new { x.OwnerId, x.UpdatedAt, x.Id });
            c.HasMany(x => x.Messages).WithOne(m => m.Conversation).HasForeignKey(m => m.ConversationId).OnDelete(DeleteBehavior.Cascade);
        });

        modelBuilder.Entity<Message>(m =>
        {
            m.Property(x => x.Role).HasMaxLength(16);
            m.Property(x => x.Status).HasMaxLength(16);
            m.Property(x => x.FinishReason).HasMaxLength(16);
            m.Property(x => x.PresetId).HasMaxLength(64);
            m.Property(x => x.Model).HasMaxLength(200);
            m.Property(x => x.OptionsJson).HasMaxLength(4_000);
            m.Property(x => x.ErrorCode).HasMaxLength(64);
            m.Property(x => x.ErrorMessage).HasMaxLength(2_000);
            // Paging within a conversation, and a guard against two writers taking the same number.
            m.HasIndex(x => new { x.ConversationId, x.Seq }).IsUnique();
            // Startup recovery finds messages left streaming.
            m.HasIndex(x => x.Status);
            m.HasMany(x => x.Images).WithOne(i => i.Message).HasForeignKey(i => i.MessageId).OnDelete(DeleteBehavior.Cascade);
        });

        modelBuilder.Entity<StoredImage>(i =>
        {
            i.Property(x => x.OwnerId).HasMaxLength(128);
            i.Property(x => x.MediaType).HasMaxLength(32);
            i.Property(x => x.SourceFormat).HasMaxLength(16);
            // Covers the prompt's image metadata (PromptHistory): in SQLite a column stored after Data can only be read by
            // walking the blob's overflow pages, ~40 page reads per image, so the index carries Id and VisualTokens too.
            i.HasIndex(x => new { x.MessageId, x.Ordinal, x.Id, x.VisualTokens });
        });
    }
}

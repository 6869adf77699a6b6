using Microsoft.EntityFrameworkCore;
using MikuCloud.Api.Accounts;

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
    public DbSet<UserAccount> Users => Set<UserAccount>();
    public DbSet<ApiKey> ApiKeys => Set<ApiKey>();
    public DbSet<InstallSetting> Settings => Set<InstallSetting>();
    public DbSet<Batches.Batch> Batches => Set<Batches.Batch>();
    public DbSet<Batches.BatchItem> BatchItems => Set<Batches.BatchItem>();
    public DbSet<Usage.AnswerUsage> AnswerUsage => Set<Usage.AnswerUsage>();
    public DbSet<Usage.UsageRollup> UsageRollups => Set<Usage.UsageRollup>();
    public DbSet<Knowledge.KnowledgeBase> KnowledgeBases => Set<Knowledge.KnowledgeBase>();
    public DbSet<Knowledge.KnowledgeDocument> KnowledgeDocuments => Set<Knowledge.KnowledgeDocument>();
    public DbSet<Knowledge.KnowledgePage> KnowledgePages => Set<Knowledge.KnowledgePage>();
    public DbSet<Knowledge.KnowledgeChunk> KnowledgeChunks => Set<Knowledge.KnowledgeChunk>();
    public DbSet<Knowledge.KnowledgeVectorVersion> KnowledgeVectorVersions => Set<Knowledge.KnowledgeVectorVersion>();
    public DbSet<Knowledge.ConversationKnowledge> ConversationKnowledge => Set<Knowledge.ConversationKnowledge>();

    protected override void OnModelCreating(ModelBuilder modelBuilder)
    {
        modelBuilder.Entity<Conversation>(c =>
        {
            c.Property(x => x.OwnerId).HasMaxLength(128);
            c.Property(x => x.Title).HasMaxLength(200);
            c.Property(x => x.PresetId).HasMaxLength(64);
            c.Property(x => x.SystemPrompt).HasMaxLength(20_000);
            c.Property(x => x.OptionsJson).HasMaxLength(4_000);
            c.Property(x => x.Model).HasMaxLength(200);
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
            // Siblings (‹ 2/3 ›) and a message's children: the same parent within a conversation.
            m.HasIndex(x => new { x.ConversationId, x.ParentId });
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
            // The per-user stored-images limit counts by owner.
            i.HasIndex(x => x.OwnerId);
        });

        modelBuilder.Entity<UserAccount>(u =>
        {
            u.Property(x => x.Id).HasMaxLength(128);
            u.Property(x => x.UserName).HasMaxLength(64);
            u.Property(x => x.NormalizedUserName).HasMaxLength(64);
            u.Property(x => x.DisplayName).HasMaxLength(100);
            u.Property(x => x.PasswordHash).HasMaxLength(512);
            u.Property(x => x.Role).HasMaxLength(16);
            u.Property(x => x.Stamp).HasMaxLength(64);
            u.Property(x => x.ExternalIssuer).HasMaxLength(512);
            u.Property(x => x.ExternalSubject).HasMaxLength(256);
            u.HasIndex(x => x.NormalizedUserName).IsUnique();
            // NULLs are distinct in unique indexes on both SQLite and PostgreSQL, so local accounts don't collide.
            u.HasIndex(x => new { x.ExternalIssuer, x.ExternalSubject }).IsUnique();
        });

        modelBuilder.Entity<ApiKey>(k =>
        {
            k.Property(x => x.UserId).HasMaxLength(128);
            k.Property(x => x.Name).HasMaxLength(100);
            k.Property(x => x.Prefix).HasMaxLength(16);
            k.Property(x => x.Hash).HasMaxLength(64);
            k.HasIndex(x => x.Hash).IsUnique();
            k.HasIndex(x => x.UserId);
        });

        modelBuilder.Entity<InstallSetting>(s =>
        {
            s.HasKey(x => x.Key);
            s.Property(x => x.Key).HasMaxLength(64);
            s.Property(x => x.Value).HasMaxLength(1_000);
        });

        modelBuilder.Entity<Usage.AnswerUsage>(u =>
        {
            u.Property(x => x.OwnerId).HasMaxLength(128);
            u.Property(x => x.Door).HasMaxLength(16);
            u.Property(x => x.PresetId).HasMaxLength(64);
            u.Property(x => x.Model).HasMaxLength(200);
            u.Property(x => x.Status).HasMaxLength(16);
            // The dashboard: my usage in a window.
            u.HasIndex(x => new { x.OwnerId, x.CreatedAt });
        });

        MikuCloud.Api.Batches.BatchModel.Configure(modelBuilder);
        Usage.UsageRollupModel.Configure(modelBuilder);
        Knowledge.KnowledgeModel.Configure(modelBuilder);
    }
}

using Microsoft.EntityFrameworkCore;
using MikuCloud.Api.Data;

namespace MikuCloud.Api.Knowledge;

/// <summary>The knowledge tables' columns, keys and indexes (applied by <c>ChatDbContext</c>).</summary>
public static class KnowledgeModel
{
    public static void Configure(ModelBuilder modelBuilder)
    {
        ArgumentNullException.ThrowIfNull(modelBuilder);
        modelBuilder.Entity<KnowledgeBase>(b =>
        {
            b.Property(x => x.OwnerId).HasMaxLength(128);
            b.Property(x => x.Name).HasMaxLength(200);
            b.Property(x => x.Description).HasMaxLength(2_000);
            b.Property(x => x.EmbeddingModel).HasMaxLength(200);
            // The Knowledge page: my bases (and the shared ones), newest first.
            b.HasIndex(x => new { x.OwnerId, x.CreatedAt });
            b.HasIndex(x => x.Shared);
            b.HasMany<KnowledgeDocument>().WithOne().HasForeignKey(d => d.BaseId).OnDelete(DeleteBehavior.Cascade);
            b.HasMany<ConversationKnowledge>().WithOne().HasForeignKey(c => c.BaseId).OnDelete(DeleteBehavior.Cascade);
        });

        modelBuilder.Entity<KnowledgeDocument>(d =>
        {
            d.Property(x => x.OwnerId).HasMaxLength(128);
            d.Property(x => x.FileName).HasMaxLength(1_024);
            d.Property(x => x.MediaType).HasMaxLength(128);
            d.Property(x => x.Sha256).HasMaxLength(64);
            d.Property(x => x.Status).HasMaxLength(16);
            d.Property(x => x.ErrorCode).HasMaxLength(64);
            d.Property(x => x.ErrorMessage).HasMaxLength(2_000);
            d.Property(x => x.ClaimedBy).HasMaxLength(64);
            // A base's documents in upload order; the same file once per base.
            d.HasIndex(x => new { x.BaseId, x.CreatedAt });
            d.HasIndex(x => new { x.BaseId, x.Sha256 }).IsUnique();
            // The worker's claim looks for queued documents, recovery for expired claims.
            d.HasIndex(x => new { x.Status, x.ClaimExpiresAt });
            // The per-user storage quota sums by owner.
            d.HasIndex(x => new { x.OwnerId, x.SizeBytes });
            d.HasMany<KnowledgePage>().WithOne().HasForeignKey(p => p.DocumentId).OnDelete(DeleteBehavior.Cascade);
            d.HasMany<KnowledgeChunk>().WithOne().HasForeignKey(c => c.DocumentId).OnDelete(DeleteBehavior.Cascade);
            d.HasOne<KnowledgeVectorVersion>().WithOne().HasForeignKey<KnowledgeVectorVersion>(v => v.DocumentId).OnDelete(DeleteBehavior.Cascade);
        });

        modelBuilder.Entity<KnowledgeVectorVersion>(v =>
        {
            v.HasKey(x => x.DocumentId);
            // The vector index reads a base's document versions after its VectorVersion moved.
            v.HasIndex(x => new { x.BaseId, x.DocumentId, x.Version });
        });

        modelBuilder.Entity<KnowledgePage>(p =>
        {
            p.HasKey(x => new { x.DocumentId, x.Number });
            p.Property(x => x.Source).HasMaxLength(16);
        });

        modelBuilder.Entity<KnowledgeChunk>(c =>
        {
            c.Property(x => x.Id).ValueGeneratedOnAdd();
            c.Property(x => x.Heading).HasMaxLength(500);
            // Retrieval scans a base's chunks; the document's chunks in order for re-index, delete and the passage view.
            c.HasIndex(x => x.BaseId);
            c.HasIndex(x => new { x.DocumentId, x.Ordinal }).IsUnique();
        });

        modelBuilder.Entity<ConversationKnowledge>(k =>
        {
            k.HasKey(x => new { x.ConversationId, x.BaseId });
            k.HasIndex(x => x.BaseId);
            k.HasOne<Conversation>().WithMany().HasForeignKey(x => x.ConversationId).OnDelete(DeleteBehavior.Cascade);
        });
    }
}

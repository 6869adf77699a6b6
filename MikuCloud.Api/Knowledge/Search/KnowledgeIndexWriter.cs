using Microsoft.EntityFrameworkCore;
using MikuCloud.Api.Data;

namespace MikuCloud.Api.Knowledge;

/// <summary>
/// Makes a document's chunks searchable: embeds them (heading and text, with the house embedding model), quantises the
/// vectors, segments the text for the full-text index and saves the chunks (the database's own full-text index follows
/// by trigger on SQLite and by generated column on PostgreSQL); or removes them all. Writing again replaces the
/// document's chunks (a re-index). The database's triggers move the base's and the document's vector versions with the
/// same transaction, so every replica's <see cref="KnowledgeVectorIndex"/> reads the change at its next search.
/// </summary>
public sealed class KnowledgeIndexWriter(KnowledgeEmbedder embedder)
{
    /// <summary>Replaces <paramref name="doc"/>'s chunks with <paramref name="chunks"/>, embedded and indexed; sets its chunk count.</summary>
    public async Task WriteAsync(ChatDbContext db, KnowledgeDocument doc, IReadOnlyList<DocumentChunk> chunks, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(db);
        ArgumentNullException.ThrowIfNull(doc);
        ArgumentNullException.ThrowIfNull(chunks);
        // Embedded with the heading: "2.1 Install" says what a passage of bare steps is about.
        var embedded = await embedder.TryEmbedAsync([.. chunks.Select(EmbeddingText)], ct).ConfigureAwait(false);
        var rows = chunks.Select((chunk, i) =>
        {
            var (vector, scale) = embedded is null ? (null, 0f) : VectorQuantizer.Quantize(embedded[i]);
            return new KnowledgeChunk
            {
                DocumentId = doc.Id,
                BaseId = doc.BaseId,
                Ordinal = chunk.Ordinal,
                Page = chunk.Page,
                Offset = chunk.Offset,
                Heading = chunk.Heading is { Length: > 500 } h ? h[..500] : chunk.Heading,
                Text = chunk.Text,
                SearchText = KnowledgeSegmenter.Segment(EmbeddingText(chunk)),
                Vector = vector,
                VectorScale = scale,
            };
        }).ToList();

        var strategy = db.Database.CreateExecutionStrategy();
        await strategy.ExecuteAsync(async () =>
        {
            await using var tx = db.Database.CurrentTransaction is null ? await db.Database.BeginTransactionAsync(ct).ConfigureAwait(false) : null;
            await db.KnowledgeChunks.Where(c => c.DocumentId == doc.Id).ExecuteDeleteAsync(ct).ConfigureAwait(false);
            db.KnowledgeChunks.AddRange(rows);
            doc.ChunkCount = rows.Count;
            await db.SaveChangesAsync(ct).ConfigureAwait(false);
            if (tx is not null)
            {
                await tx.CommitAsync(ct).ConfigureAwait(false);
            }
        }).ConfigureAwait(false);

        // Tracked rows would pin every chunk's text and vector to the caller's context for as long as it lives.
        foreach (var row in rows)
        {
            db.Entry(row).State = EntityState.Detached;
        }
    }

    /// <summary>Removes every chunk of the document (and with them its full-text rows and vectors).</summary>
    public async Task RemoveAsync(ChatDbContext db, Guid documentId, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(db);
        await db.KnowledgeChunks.Where(c => c.DocumentId == documentId).ExecuteDeleteAsync(ct).ConfigureAwait(false);
    }

    private static string EmbeddingText(DocumentChunk chunk) => chunk.Heading is { Length: > 0 } heading ? heading + "\n" + chunk.Text : chunk.Text;
}

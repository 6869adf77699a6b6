using Microsoft.Extensions.DependencyInjection;
using MikuCloud.Api.Data;
using MikuCloud.Api.Knowledge;
using MikuCloud.Tests.Api;

namespace MikuCloud.Tests.Knowledge;

/// <summary>
/// Knowledge bases and documents put straight into an API's database, indexed by the API's own
/// <see cref="KnowledgeIndexWriter"/> (as ingestion does once pages are read and chunked).
/// </summary>
public static class KnowledgeSeed
{
    /// <summary>A base owned by <paramref name="owner"/> (single-user mode's owner by default).</summary>
    public static async Task<Guid> BaseAsync(ApiFactory api, string name, string owner = Owners.Local, bool shared = false)
    {
        ArgumentNullException.ThrowIfNull(api);
        var id = Guid.NewGuid();
        await api.WithDbAsync(async db =>
        {
            db.KnowledgeBases.Add(new KnowledgeBase
            {
                Id = id, OwnerId = owner, Name = name, Shared = shared, EmbeddingModel = "miku-embed",
                CreatedAt = DateTime.UtcNow, UpdatedAt = DateTime.UtcNow,
            });
            return await db.SaveChangesAsync();
        });
        return id;
    }

    /// <summary>A document of <paramref name="baseId"/> with these passages, indexed, in <paramref name="status"/>.</summary>
    public static async Task<Guid> DocumentAsync(ApiFactory api, Guid baseId, string fileName, IReadOnlyList<DocumentChunk> chunks,
        string status = KnowledgeDocumentStatus.Ready, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(api);
        await using var scope = api.Services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<ChatDbContext>();
        var owner = (await db.KnowledgeBases.FindAsync([baseId], cancellationToken))!.OwnerId;
        var document = new KnowledgeDocument
        {
            Id = Guid.NewGuid(), BaseId = baseId, OwnerId = owner, FileName = fileName, MediaType = "text/plain", Status = status,
            Sha256 = Convert.ToHexString(System.Security.Cryptography.SHA256.HashData(System.Text.Encoding.UTF8.GetBytes(fileName + baseId))),
            PageCount = chunks.Count == 0 ? 1 : chunks.Max(c => c.Page), CreatedAt = DateTime.UtcNow, UpdatedAt = DateTime.UtcNow,
        };
        db.KnowledgeDocuments.Add(document);
        await db.SaveChangesAsync(cancellationToken);
        await scope.ServiceProvider.GetRequiredService<KnowledgeIndexWriter>().WriteAsync(db, document, chunks, cancellationToken);
        return document.Id;
    }

    /// <summary>Passages on consecutive pages, without headings.</summary>
    public static IReadOnlyList<DocumentChunk> Pages(params string[] texts) =>
        [.. texts.Select((text, i) => new DocumentChunk(i, i + 1, 0, null, text))];
}

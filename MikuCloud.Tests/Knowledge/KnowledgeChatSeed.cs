using Microsoft.Extensions.DependencyInjection;
using MikuCloud.Api.Data;
using MikuCloud.Api.Knowledge;
using MikuCloud.Tests.Api;

namespace MikuCloud.Tests.Knowledge;

/// <summary>Knowledge bases written straight to the test API's database, for the chat-with-knowledge tests.</summary>
internal static class KnowledgeChatSeed
{
    /// <summary>Another account: its unshared bases must look unknown to the single user.</summary>
    public const string Stranger = "someone-else";

    public static async Task<Guid> BaseAsync(this ApiFactory api, string name, string ownerId = Owners.Local, bool shared = false)
    {
        var id = Guid.CreateVersion7();
        await api.WithDbAsync(async db =>
        {
            var now = DateTime.UtcNow;
            db.KnowledgeBases.Add(new KnowledgeBase { Id = id, OwnerId = ownerId, Name = name, Shared = shared, EmbeddingModel = "miku-embed", CreatedAt = now, UpdatedAt = now });
            return await db.SaveChangesAsync();
        });
        return id;
    }

    /// <summary>
    /// A ready document whose pages are <paramref name="pages"/> (one chunk each), indexed by the API's own
    /// <see cref="KnowledgeIndexWriter"/>; the pages in <paramref name="scannedPages"/> keep an image, as a scan read by the vision model.
    /// </summary>
    public static async Task<Guid> DocumentAsync(this ApiFactory api, Guid baseId, string fileName, string[] pages, int[]? scannedPages = null)
    {
        await using var scope = api.Services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<ChatDbContext>();
        var owner = (await db.KnowledgeBases.FindAsync(baseId))!.OwnerId;
        var now = DateTime.UtcNow;
        var document = new KnowledgeDocument
        {
            Id = Guid.CreateVersion7(), BaseId = baseId, OwnerId = owner, FileName = fileName, MediaType = "text/markdown", SizeBytes = 1,
            Sha256 = Guid.NewGuid().ToString("N"), Status = KnowledgeDocumentStatus.Ready, PageCount = pages.Length, PagesDone = pages.Length,
            CreatedAt = now, UpdatedAt = now, CompletedAt = now, Data = [1],
        };
        db.KnowledgeDocuments.Add(document);
        for (var i = 0; i < pages.Length; i++)
        {
            var scanned = scannedPages?.Contains(i + 1) == true;
            db.KnowledgePages.Add(new KnowledgePage
            {
                DocumentId = document.Id, Number = i + 1, Text = pages[i], Source = scanned ? KnowledgePageSource.Ocr : KnowledgePageSource.Text,
                Image = scanned ? [0xFF, 0xD8, 0xFF] : null,
            });
        }

        await db.SaveChangesAsync();
        var chunks = pages.Select((text, i) => new DocumentChunk(i, i + 1, 0, null, text)).ToList();
        await scope.ServiceProvider.GetRequiredService<KnowledgeIndexWriter>().WriteAsync(db, document, chunks, TestContext.Current.CancellationToken);
        return document.Id;
    }
}

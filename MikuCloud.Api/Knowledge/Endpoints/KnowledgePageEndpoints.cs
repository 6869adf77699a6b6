using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;
using MikuCloud.Api.Conversations;
using MikuCloud.Api.Data;

namespace MikuCloud.Api.Knowledge;

/// <summary>What a citation opens: a page as read, a scanned page's image, and a passage with its page.</summary>
public static class KnowledgePageEndpoints
{
    internal static async Task<Ok<KnowledgePageDto>> PageAsync(Guid id, int number, HttpContext http, ChatDbContext db, KnowledgeStore store,
        CancellationToken cancellationToken)
    {
        var document = await store.FindReadableDocumentAsync(CurrentOwner.Of(http), id, cancellationToken);
        return TypedResults.Ok(await PageOfAsync(db, document, number, cancellationToken));
    }

    internal static async Task<FileContentHttpResult> PageImageAsync(Guid id, int number, HttpContext http, ChatDbContext db, KnowledgeStore store,
        CancellationToken cancellationToken)
    {
        await store.FindReadableDocumentAsync(CurrentOwner.Of(http), id, cancellationToken);
        var image = await db.KnowledgePages.Where(p => p.DocumentId == id && p.Number == number).Select(p => p.Image).SingleOrDefaultAsync(cancellationToken)
                    ?? throw KnowledgeProblems.PageNotFound(id, number);
        http.Response.Headers.CacheControl = "private, max-age=86400";
        // Saved as the image pipeline made it: JPEG, or PNG for a picture that had transparency.
        return TypedResults.File(image, Images.ImageSniffer.Detect(image) == Images.ImageFormatKind.Png ? "image/png" : "image/jpeg");
    }

    internal static async Task<Ok<KnowledgeChunkDto>> ChunkAsync(long id, HttpContext http, ChatDbContext db, KnowledgeStore store, CancellationToken cancellationToken)
    {
        var owner = CurrentOwner.Of(http);
        var readable = store.Readable(owner);
        var chunk = await db.KnowledgeChunks.AsNoTracking().Where(c => c.Id == id && readable.Any(b => b.Id == c.BaseId))
            .Select(c => new { c.Id, c.DocumentId, c.BaseId, c.Page, c.Heading, c.Text }).SingleOrDefaultAsync(cancellationToken)
            ?? throw KnowledgeProblems.ChunkNotFound(id);
        var document = await store.FindReadableDocumentAsync(owner, chunk.DocumentId, cancellationToken);
        var page = await PageOfAsync(db, document, chunk.Page, cancellationToken);
        return TypedResults.Ok(new KnowledgeChunkDto(
            new KnowledgePassageDto(chunk.Id, chunk.DocumentId, chunk.BaseId, document.FileName, chunk.Page, chunk.Heading, chunk.Text, 0), page));
    }

    private static async Task<KnowledgePageDto> PageOfAsync(ChatDbContext db, KnowledgeDocumentDto document, int number, CancellationToken cancellationToken)
    {
        var page = await db.KnowledgePages.AsNoTracking().Where(p => p.DocumentId == document.Id && p.Number == number)
            .Select(p => new { p.Source, p.Text, HasImage = p.Image != null }).SingleOrDefaultAsync(cancellationToken)
            ?? throw KnowledgeProblems.PageNotFound(document.Id, number);
        return new KnowledgePageDto(document.Id, document.FileName, number, document.PageCount ?? document.PagesDone, page.Source, page.Text,
            page.HasImage ? KnowledgeMapping.PageImageUrl(document.Id, number) : null);
    }
}

using Microsoft.Extensions.Options;
using MikuCloud.Api.Requests;
using static MikuCloud.Api.Knowledge.KnowledgeBaseEndpoints;
using static MikuCloud.Api.Knowledge.KnowledgeDocumentEndpoints;
using static MikuCloud.Api.Knowledge.KnowledgePageEndpoints;

namespace MikuCloud.Api.Knowledge;

/// <summary>
/// Knowledge bases over HTTP: bases (<see cref="KnowledgeBaseEndpoints"/>), their documents
/// (<see cref="KnowledgeDocumentEndpoints"/>) and what a citation opens (<see cref="KnowledgePageEndpoints"/>).
/// Readable = the caller's own or shared; writable = their own. Another user's id (or writing to someone else's shared
/// base) answers 404 exactly like an unknown one, and changes nothing.
/// </summary>
public static class KnowledgeEndpoints
{
    public static IEndpointRouteBuilder MapKnowledgeEndpoints(this IEndpointRouteBuilder app)
    {
        ArgumentNullException.ThrowIfNull(app);
        var limits = app.ServiceProvider.GetRequiredService<IOptions<KnowledgeOptions>>().Value;
        var group = app.MapGroup("/api/knowledge").WithTags("Knowledge");

        group.MapGet("/bases", KnowledgeBaseEndpoints.ListAsync).WithName("ListKnowledgeBases")
            .WithSummary("List the knowledge bases the caller can read: their own and the shared ones, newest first.");
        group.MapPost("/bases", CreateAsync).WithName("CreateKnowledgeBase")
            .WithSummary("Create a knowledge base (name 1–200 characters, optional description; shared: admins only).")
            .ProducesProblem(400).ProducesProblem(403);
        group.MapGet("/bases/{id:guid}", KnowledgeBaseEndpoints.GetAsync).WithName("GetKnowledgeBase")
            .WithSummary("Get a knowledge base with its document and chunk counts.").ProducesProblem(404);
        group.MapPatch("/bases/{id:guid}", UpdateAsync).WithName("UpdateKnowledgeBase")
            .WithSummary("Rename, describe or (admins) share one of the caller's knowledge bases; absent fields stay as they are.")
            .ProducesProblem(400).ProducesProblem(403).ProducesProblem(404);
        group.MapDelete("/bases/{id:guid}", KnowledgeBaseEndpoints.DeleteAsync).WithName("DeleteKnowledgeBase")
            .WithSummary("Delete one of the caller's knowledge bases with its documents, pages, passages and vectors.").ProducesProblem(404);

        group.MapPost("/bases/{id:guid}/documents", UploadAsync).WithName("AddKnowledgeDocuments")
            .WithSummary("Add documents to one of the caller's knowledge bases ('files' parts of multipart/form-data); each is read in the background.")
            .WithDescription($"txt, md, pdf, docx, JPEG, PNG, WebP (judged by their bytes), up to {limits.MaxFileBytes / 1048576} MB each and " +
                $"{limits.MaxFilesPerUpload} per upload; {limits.MaxDocumentsPerBase:N0} documents per base, {limits.MaxStoredBytesPerUser / 1048576:N0} MB per account. " +
                "A file that cannot be added is listed in 'refused' with its code; the others are queued.")
            .Accepts<KnowledgeUploadFiles>("multipart/form-data")
            .WithBodyLimit(limits.MaxUploadBytes)
            .ProducesProblem(400).ProducesProblem(404).ProducesProblem(413).ProducesProblem(415)
            .DisableAntiforgery();
        group.MapGet("/bases/{id:guid}/documents", KnowledgeDocumentEndpoints.ListAsync).WithName("ListKnowledgeDocuments")
            .WithSummary("List a knowledge base's documents in upload order, with status and progress.").ProducesProblem(404);
        group.MapGet("/bases/{id:guid}/events", EventsAsync).WithName("KnowledgeBaseEvents")
            .WithSummary("Follow a knowledge base's documents as server-sent events: 'document' for each at the start and whenever one's status or progress changes.")
            .Produces<string>(200, "text/event-stream").ProducesProblem(404);

        group.MapGet("/documents/{id:guid}", KnowledgeDocumentEndpoints.GetAsync).WithName("GetKnowledgeDocument")
            .WithSummary("Get a document: status, pages read (and by the vision model), chunks, error, attempts.").ProducesProblem(404);
        group.MapDelete("/documents/{id:guid}", KnowledgeDocumentEndpoints.DeleteAsync).WithName("DeleteKnowledgeDocument")
            .WithSummary("Delete a document of one of the caller's bases with its pages, passages and vectors (its reading stops).").ProducesProblem(404);
        group.MapPost("/documents/{id:guid}/reindex", ReindexAsync).WithName("ReindexKnowledgeDocument")
            .WithSummary("Read a document again from its first page (a failed one, or after a change of model); 409 while it is being read.")
            .ProducesProblem(404).ProducesProblem(409);
        group.MapGet("/documents/{id:guid}/pages/{number:int}", PageAsync).WithName("GetKnowledgePage")
            .WithSummary("A page of a document as read: its text, where the text came from, and its image for a scan or a picture.").ProducesProblem(404);
        group.MapGet("/documents/{id:guid}/pages/{number:int}/image", PageImageAsync).WithName("GetKnowledgePageImage")
            .WithSummary("The image of a page the vision model read (a scan or a picture), as JPEG (or PNG).")
            .Produces(200, contentType: "image/jpeg").ProducesProblem(404);
        group.MapGet("/chunks/{id:long}", ChunkAsync).WithName("GetKnowledgeChunk")
            .WithSummary("A passage (what a citation points at) with the whole page it starts on.").ProducesProblem(404);
        return app;
    }
}

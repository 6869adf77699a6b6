using MikuCloud.Api.Data;

namespace MikuCloud.Api.Knowledge;

/// <summary>Knowledge rows to the API's contract records, and the URLs the contract points at.</summary>
public static class KnowledgeMapping
{
    /// <summary>The URL of a base (the <c>Location</c> of a created one).</summary>
    public static string BaseUrl(Guid id) => $"/api/knowledge/bases/{id}";

    /// <summary>The URL of a page's image (a scan or a picture the vision model read).</summary>
    public static string PageImageUrl(Guid documentId, int number) => $"/api/knowledge/documents/{documentId}/pages/{number}/image";

    public static KnowledgeBaseDto ToDto(KnowledgeBase b, string owner, int documents, int ready, int chunks)
    {
        ArgumentNullException.ThrowIfNull(b);
        return new KnowledgeBaseDto(b.Id, b.Name, b.Description, b.Shared, b.OwnerId == owner, b.EmbeddingModel, documents, ready, chunks,
            Timestamps.AsUtc(b.CreatedAt), Timestamps.AsUtc(b.UpdatedAt));
    }

    /// <summary>Documents as the API shows them, projected in the query: the file bytes are never read.</summary>
    public static IQueryable<KnowledgeDocumentDto> ToDtos(IQueryable<KnowledgeDocument> documents) =>
        documents.Select(d => new KnowledgeDocumentDto(d.Id, d.BaseId, d.FileName, d.MediaType, d.SizeBytes, d.Status, d.PageCount, d.PagesDone,
            d.PagesByVision, d.ChunkCount, d.ErrorCode == null ? null : new ErrorDto(d.ErrorCode, d.ErrorMessage ?? "", null), d.Attempts,
            d.CreatedAt, d.CompletedAt));

    /// <summary>A document's times as UTC (SQLite reads them back unspecified).</summary>
    public static KnowledgeDocumentDto AsUtc(KnowledgeDocumentDto d)
    {
        ArgumentNullException.ThrowIfNull(d);
        return d with { CreatedAt = Timestamps.AsUtc(d.CreatedAt), CompletedAt = Timestamps.AsUtc(d.CompletedAt) };
    }
}

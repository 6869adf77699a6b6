namespace MikuCloud.Contracts;

// Knowledge bases: documents a conversation answers from, with citations. Type summaries here are also the schema
// descriptions in the API's OpenAPI document: they speak in JSON names.

/// <summary>
/// A knowledge base (<c>GET /api/knowledge/bases</c>, <c>…/{id}</c>): its name, whether it is <c>shared</c> with every
/// account (an admin's switch; shared bases are read-only to others), whether the caller owns it (<c>mine</c>), the
/// embedding model its vectors were made with, and counts of its documents (all, ready) and chunks.
/// </summary>
public sealed record KnowledgeBaseDto(Guid Id, string Name, string? Description, bool Shared, bool Mine, string EmbeddingModel,
    int Documents, int ReadyDocuments, int Chunks, DateTime CreatedAt, DateTime UpdatedAt);

/// <summary>
/// <c>POST /api/knowledge/bases</c> and <c>PATCH /api/knowledge/bases/{id}</c>: a name (1–200 characters), an optional
/// description; <c>shared</c> only an admin may set. On PATCH an absent field is left as it is.
/// </summary>
public sealed record KnowledgeBaseRequest(string? Name, string? Description = null, bool? Shared = null);

/// <summary>
/// A document of a knowledge base (<c>GET /api/knowledge/bases/{id}/documents</c>, <c>GET /api/knowledge/documents/{id}</c>):
/// its file name and detected type, its ingestion <c>status</c> (<c>queued</c>, <c>reading</c>, <c>indexing</c>,
/// <c>ready</c>, <c>failed</c>) with progress in pages (<c>pageCount</c> is null until the file is opened), how many pages
/// the vision model read (scans, pictures), its chunks, the error when it failed, and attempts so far.
/// </summary>
/// <remarks>The values of <c>status</c> are <see cref="KnowledgeDocumentStatus"/>.</remarks>
public sealed record KnowledgeDocumentDto(Guid Id, Guid BaseId, string FileName, string MediaType, long SizeBytes, string Status,
    int? PageCount, int PagesDone, int PagesByVision, int Chunks, ErrorDto? Error, int Attempts, DateTime CreatedAt, DateTime? CompletedAt);

/// <summary>
/// The answer to uploading documents (<c>POST /api/knowledge/bases/{id}/documents</c>, multipart): the documents queued
/// now and the files refused at once (unsupported type, too large, a duplicate, an unsafe archive), each with its problem
/// code; a refused file never stops the others.
/// </summary>
public sealed record KnowledgeDocumentsAdded(IReadOnlyList<KnowledgeDocumentDto> Added, IReadOnlyList<KnowledgeFileRefused> Refused);

/// <summary>A file of an upload that did not become a document, and why (a problem <c>code</c> and a sentence).</summary>
public sealed record KnowledgeFileRefused(string FileName, string Code, string Message);

/// <summary>
/// The <c>document</c> event of <c>GET /api/knowledge/bases/{id}/events</c> (Server-Sent Events): a document whose
/// status or progress changed. The stream runs until the client leaves.
/// </summary>
public sealed record KnowledgeProgressEvent(KnowledgeDocumentDto Document);

/// <summary>
/// One page of a document as read (<c>GET /api/knowledge/documents/{id}/pages/{number}</c>): its text, and where the
/// text came from (<c>source</c>: <c>text</c> for a text layer, <c>ocr</c> for a scan read by the vision model,
/// <c>picture</c> for a described picture); <c>imageUrl</c> is the page image for a scan or a picture.
/// </summary>
public sealed record KnowledgePageDto(Guid DocumentId, string FileName, int Number, int PageCount, string Source, string Text, string? ImageUrl);

/// <summary>
/// A passage opened from a citation (<c>GET /api/knowledge/chunks/{id}</c>): the passage itself and the whole page it
/// starts on (its text, and the page image for a scan or a picture).
/// </summary>
public sealed record KnowledgeChunkDto(KnowledgePassageDto Passage, KnowledgePageDto Page);

/// <summary>
/// <c>POST /api/knowledge/search</c>: the words to look for (1–2,000 characters), the bases to search (none: every base
/// the caller can read) and how many passages to return (<c>top</c>, 1–50, default 5).
/// </summary>
public sealed record KnowledgeSearchRequest(string? Query, IReadOnlyList<Guid>? BaseIds = null, int? Top = null);

/// <summary>
/// A retrieved passage: the chunk, its document and base, the page it starts on, the section heading above it, its text,
/// and its fused score (reciprocal rank fusion of full-text and vector ranks; higher is better).
/// </summary>
public sealed record KnowledgePassageDto(long ChunkId, Guid DocumentId, Guid BaseId, string DocumentName, int Page, string? Heading,
    string Text, double Score);

/// <summary><c>POST /api/knowledge/search</c>'s answer: the passages, best first.</summary>
public sealed record KnowledgeSearchResult(IReadOnlyList<KnowledgePassageDto> Passages);

/// <summary>
/// A source an answer was given (<c>citations</c> of a message, and the chat stream's <c>citations</c> event), numbered
/// as the answer cites it (<c>[1]</c>, <c>[2]</c>): the document, page, section heading and a snippet of the passage;
/// <c>pageImageUrl</c> is the page image when the page was a scan or a picture.
/// </summary>
public sealed record CitationDto(int Number, long ChunkId, Guid DocumentId, Guid BaseId, string DocumentName, int Page, string? Heading,
    string Snippet, string? PageImageUrl);

/// <summary><see cref="KnowledgeDocumentDto.Status"/> values.</summary>
/// <remarks>The API stores the same strings.</remarks>
public static class KnowledgeDocumentStatus
{
    /// <summary>Waiting for a worker.</summary>
    public const string Queued = "queued";

    /// <summary>A worker is reading pages (the text layer, or the vision model for scans and pictures).</summary>
    public const string Reading = "reading";

    /// <summary>Pages read; chunks are being embedded and indexed.</summary>
    public const string Indexing = "indexing";

    /// <summary>Searchable.</summary>
    public const string Ready = "ready";

    /// <summary>Gave up (the document's <c>error</c> says why); <c>POST …/reindex</c> tries again.</summary>
    public const string Failed = "failed";
}

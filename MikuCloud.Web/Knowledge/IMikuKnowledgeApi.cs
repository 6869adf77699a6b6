using MikuCloud.Web.Api;

namespace MikuCloud.Web.Knowledge;

/// <summary>
/// What the Knowledge page and the chat's citations ask of the API's knowledge operations (<c>/api/knowledge</c>).
/// Components and the page's state classes depend on this interface so component tests can script it;
/// <see cref="MikuKnowledgeClient"/> is the real one. Refusals throw <see cref="ApiException"/>, an unreachable API
/// <see cref="HttpRequestException"/>.
/// </summary>
public interface IMikuKnowledgeApi
{
    /// <summary>The bases the user can read (their own and shared ones), newest first.</summary>
    Task<IReadOnlyList<KnowledgeBaseDto>> ListBasesAsync(CancellationToken cancellationToken = default);

    /// <summary>The base, or null when it does not exist (deleted in another tab, or someone else's).</summary>
    Task<KnowledgeBaseDto?> GetBaseAsync(Guid id, CancellationToken cancellationToken = default);

    Task<KnowledgeBaseDto> CreateBaseAsync(KnowledgeBaseRequest request, CancellationToken cancellationToken = default);

    /// <summary>Renames or re-describes a base; an admin may also share it.</summary>
    Task<KnowledgeBaseDto> UpdateBaseAsync(Guid id, KnowledgeBaseRequest request, CancellationToken cancellationToken = default);

    /// <summary>Deletes the base with its documents; an unknown id is not an error (already gone).</summary>
    Task DeleteBaseAsync(Guid id, CancellationToken cancellationToken = default);

    /// <summary>The base's documents in upload order.</summary>
    Task<IReadOnlyList<KnowledgeDocumentDto>> ListDocumentsAsync(Guid baseId, CancellationToken cancellationToken = default);

    /// <summary>
    /// Adds one file to a base, streaming <paramref name="content"/> into the request: the answer lists the document it
    /// became, or why it was refused (with a problem code).
    /// </summary>
    Task<KnowledgeDocumentsAdded> AddDocumentAsync(Guid baseId, string fileName, Stream content, CancellationToken cancellationToken = default);

    /// <summary>Deletes a document with its pages and index; an unknown id is not an error.</summary>
    Task DeleteDocumentAsync(Guid id, CancellationToken cancellationToken = default);

    /// <summary>Reads and indexes a document again (a failed one, or after the readers improved).</summary>
    Task<KnowledgeDocumentDto> ReindexAsync(Guid id, CancellationToken cancellationToken = default);

    /// <summary>Follows a base's documents (status and progress) until <paramref name="cancellationToken"/> ends the wait.</summary>
    IAsyncEnumerable<KnowledgeDocumentDto> FollowAsync(Guid baseId, CancellationToken cancellationToken = default);

    /// <summary>One page of a document as read (what a citation opens), or null when it does not exist.</summary>
    Task<KnowledgePageDto?> GetPageAsync(Guid documentId, int number, CancellationToken cancellationToken = default);
}

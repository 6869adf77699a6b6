namespace MikuCloud.Api.Knowledge;

/// <summary>
/// A collection of documents a conversation can answer from. Owned by one account; an admin can mark one
/// <see cref="Shared"/> so every account can read (never change) it.
/// </summary>
public sealed class KnowledgeBase
{
    public Guid Id { get; set; }
    public string OwnerId { get; set; } = "";
    public string Name { get; set; } = "";
    public string? Description { get; set; }

    /// <summary>Readable (searchable, citable) by every account; only its owner and admins change it.</summary>
    public bool Shared { get; set; }

    /// <summary>The house embedding model its vectors were made with: a change of model means a re-index.</summary>
    public string EmbeddingModel { get; set; } = "";

    /// <summary>
    /// Moved by the database itself (triggers on <c>KnowledgeChunks</c>) whenever one of the base's chunk vectors is added,
    /// removed or rewritten, by any writer on any replica: one indexed read tells a replica whether its cached vectors are
    /// current. Never written by the application.
    /// </summary>
    public long VectorVersion { get; set; }
    public DateTime CreatedAt { get; set; }
    public DateTime UpdatedAt { get; set; }
}

namespace MikuCloud.Api.Knowledge;

/// <summary>
/// How far one document's chunk vectors have changed. <see cref="Version"/> is moved by the database itself (triggers on
/// <c>KnowledgeChunks</c>, migration <c>KnowledgeVectorVersions</c>) whenever one of them is added, removed or rewritten,
/// by any writer on any replica; the row goes with its document. The in-process vector index keeps each document's
/// vectors with the version it read, so after a write it reloads only the documents whose version moved.
/// </summary>
public sealed class KnowledgeVectorVersion
{
    public Guid DocumentId { get; set; }

    /// <summary>The document's base: a base's versions are read together.</summary>
    public Guid BaseId { get; set; }

    /// <summary>Starts at 1 with the document's first vector; only ever goes up.</summary>
    public long Version { get; set; }
}

namespace MikuCloud.Api.Knowledge;

/// <summary>
/// One retrievable passage of a document: its text, where it came from (page, character offset, heading), the text as
/// the full-text index sees it, and its embedding.
/// </summary>
public sealed class KnowledgeChunk
{
    /// <summary>A number, so the full-text index (SQLite FTS5, PostgreSQL) can key its rows by it.</summary>
    public long Id { get; set; }
    public Guid DocumentId { get; set; }

    /// <summary>Denormalised from the document: retrieval filters by base without a join.</summary>
    public Guid BaseId { get; set; }

    /// <summary>Position within the document, from 0.</summary>
    public int Ordinal { get; set; }

    /// <summary>The page the chunk starts on, from 1.</summary>
    public int Page { get; set; }

    /// <summary>Character offset of the chunk within its page's text.</summary>
    public int Offset { get; set; }

    /// <summary>The nearest heading above the chunk (a section path like <c>2 Setup › 2.1 Install</c>), or null.</summary>
    public string? Heading { get; set; }
    public string Text { get; set; } = "";

    /// <summary>
    /// The text as the full-text index sees it: one shared segmentation (Chinese split into words, everything lowered and
    /// separated by spaces), so SQLite FTS5 and PostgreSQL rank the same tokens.
    /// </summary>
    public string SearchText { get; set; } = "";

    /// <summary>Scale of <see cref="Vector"/>: the stored int8 values times this give the unit-length embedding.</summary>
    public float VectorScale { get; set; }

    // Last column (see KnowledgeDocument.Data).

    /// <summary>The normalised embedding quantised to signed bytes; null until embedded.</summary>
    public byte[]? Vector { get; set; }
}

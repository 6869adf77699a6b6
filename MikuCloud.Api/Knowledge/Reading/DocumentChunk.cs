namespace MikuCloud.Api.Knowledge;

/// <summary>
/// One passage cut from a document's pages by the chunker: its position in the document, the page it starts on, its
/// character offset within that page, the heading path above it, and its text.
/// </summary>
public sealed record DocumentChunk(int Ordinal, int Page, int Offset, string? Heading, string Text);

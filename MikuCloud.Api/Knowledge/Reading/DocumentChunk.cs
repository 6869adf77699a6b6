namespace MikuCloud.Api.Knowledge;

/// <summary>
/// One retrievable passage cut by <see cref="KnowledgeChunker"/>: its place in the document and where it starts, so a
/// citation can open the page at the passage.
/// </summary>
/// <param name="Ordinal">Position within the document, from 0.</param>
/// <param name="Page">The page the passage starts on, from 1.</param>
/// <param name="Offset">Character offset of the passage's first character within that page's text.</param>
/// <param name="Heading">The section path above it (<c>Setup › Install</c>), or null before the first heading.</param>
/// <param name="Text">The passage as it stands in the pages (a passage that runs onto the next page joins the two with a blank line).</param>
public sealed record DocumentChunk(int Ordinal, int Page, int Offset, string? Heading, string Text);

namespace MikuCloud.Api.Knowledge;

/// <summary>
/// The smallest unit the chunker packs: a sentence, a list item, a table row, a line of code (or a whole small table or
/// code block), as a range of one page's text, with its estimated tokens and the section it belongs to.
/// </summary>
/// <param name="Page">Index into the pages handed to the chunker.</param>
/// <param name="Start">First character within the page's text.</param>
/// <param name="End">One past the last character.</param>
/// <param name="Tokens">Estimated tokens of the range.</param>
/// <param name="Heading">The section path, or null before the first heading.</param>
/// <param name="BlockTokens">On a block's first piece, the whole block's tokens (0 on the rest): a block that does not fit starts the next passage.</param>
internal readonly record struct ChunkPiece(int Page, int Start, int End, int Tokens, string? Heading, int BlockTokens);

using System.Text;
using Microsoft.Extensions.Options;

namespace MikuCloud.Api.Knowledge;

/// <summary>
/// Cuts a document's pages into passages for retrieval, following its structure: a passage never spans two sections
/// (headings), prefers to end where a paragraph, list, table or code block ends, and is cut at sentence ends (Latin and
/// CJK) only when a block is bigger than a passage. Passages aim at <see cref="KnowledgeReadingOptions.ChunkTokens"/>
/// estimated tokens; the next passage of the same section repeats the last sentences of the one before
/// (<see cref="KnowledgeReadingOptions.ChunkOverlap"/>), so an answer that straddles a cut is still found whole.
/// Every passage keeps its page, its offset in the page's text and its heading path. Pure and thread-safe.
/// </summary>
public sealed class KnowledgeChunker(IOptions<KnowledgeReadingOptions> options)
{
    /// <summary>The longest heading path kept (the database column's size); longer paths keep their deepest levels.</summary>
    public const int MaxHeadingLength = 500;

    private const string HeadingSeparator = " › ";

    private readonly int target = options.Value.ChunkTokens;
    private readonly int overlap = (int)(options.Value.ChunkTokens * options.Value.ChunkOverlap);

    /// <summary>The passages of <paramref name="pages"/> (their <see cref="DocumentPage.Text"/>; pages without text add none), in order.</summary>
    public IReadOnlyList<DocumentChunk> Chunk(IReadOnlyList<DocumentPage> pages)
    {
        ArgumentNullException.ThrowIfNull(pages);
        var pieces = Pieces(pages);
        var chunks = new List<DocumentChunk>();
        var current = new List<ChunkPiece>();
        var tokens = 0;
        foreach (var piece in pieces)
        {
            if (current.Count > 0 && !string.Equals(current[0].Heading, piece.Heading, StringComparison.Ordinal))
            {
                Emit(chunks, pages, current);
                (current, tokens) = ([], 0); // a new section starts afresh: no overlap across headings
            }
            else if (current.Count > 0 && (tokens + piece.Tokens > target || BlockStartsTooLate(piece, tokens)))
            {
                Emit(chunks, pages, current);
                current = Tail(current);
                tokens = current.Sum(p => p.Tokens);
            }

            current.Add(piece);
            tokens += piece.Tokens;
        }

        if (current.Count > 0)
        {
            Emit(chunks, pages, current);
        }

        return chunks;
    }

    /// <summary>A block that will not fit in what is left starts the next passage, unless this one is still under half full.</summary>
    private bool BlockStartsTooLate(ChunkPiece piece, int tokens) =>
        piece.BlockTokens > 0 && tokens + piece.BlockTokens > target && tokens >= target / 2;

    /// <summary>The last pieces of a passage, up to the overlap, to begin the next one with (never the whole passage).</summary>
    private List<ChunkPiece> Tail(List<ChunkPiece> passage)
    {
        var from = passage.Count;
        var tokens = 0;
        while (from > 1 && tokens + passage[from - 1].Tokens <= overlap)
        {
            from--;
            tokens += passage[from].Tokens;
        }

        return passage[from..];
    }

    private List<ChunkPiece> Pieces(IReadOnlyList<DocumentPage> pages)
    {
        var pieces = new List<ChunkPiece>();
        var headings = new List<(int Level, string Title)>();
        string? path = null;
        for (var p = 0; p < pages.Count; p++)
        {
            var text = pages[p].Text ?? "";
            foreach (var block in PageBlocks.Parse(text))
            {
                if (block.Kind == PageBlockKind.Heading)
                {
                    headings.RemoveAll(h => h.Level >= block.Level);
                    headings.Add((block.Level, PageBlocks.HeadingTitle(text, block)));
                    path = HeadingPath(headings);
                    continue;
                }

                ChunkPieces.Add(pieces, text, p, block, path, target);
            }
        }

        return pieces;
    }

    private static string HeadingPath(List<(int Level, string Title)> headings)
    {
        var path = string.Join(HeadingSeparator, headings.Select(h => h.Title));
        return path.Length <= MaxHeadingLength ? path : "…" + path[^(MaxHeadingLength - 1)..];
    }

    /// <summary>Adds the passage of <paramref name="run"/>: each page's part as it stands, parts on two pages joined by a blank line.</summary>
    private static void Emit(List<DocumentChunk> chunks, IReadOnlyList<DocumentPage> pages, List<ChunkPiece> run)
    {
        var text = new StringBuilder();
        for (var i = 0; i < run.Count;)
        {
            var j = i;
            while (j + 1 < run.Count && run[j + 1].Page == run[i].Page)
            {
                j++;
            }

            if (text.Length > 0)
            {
                text.Append("\n\n");
            }

            text.Append(pages[run[i].Page].Text.AsSpan(run[i].Start, run[j].End - run[i].Start).Trim());
            i = j + 1;
        }

        var passage = text.ToString().Trim();
        if (passage.Length > 0)
        {
            var first = run[0];
            var page = pages[first.Page].Text;
            var offset = first.Start;
            while (offset < page.Length && char.IsWhiteSpace(page[offset]))
            {
                offset++; // the passage is trimmed: its offset is its first visible character
            }

            chunks.Add(new DocumentChunk(chunks.Count, pages[first.Page].Number, offset, first.Heading, passage));
        }
    }
}

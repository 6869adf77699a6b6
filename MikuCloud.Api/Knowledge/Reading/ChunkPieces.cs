using MikuCloud.Api.Chat;

namespace MikuCloud.Api.Knowledge;

/// <summary>
/// Cuts a block into pieces the chunker can pack: paragraphs and list items into sentences (Latin <c>. ! ?</c> before a
/// space, CJK <c>。！？；</c>, line ends), tables into rows and code into lines once they are too big to keep whole; a
/// piece still too big is cut at a space near the size limit (or anywhere, for text without spaces).
/// </summary>
internal static class ChunkPieces
{
    private static readonly char[] CjkEnds = ['。', '！', '？', '；', '!', '?', ';'];
    private static readonly char[] Closers = ['”', '’', '」', '』', '）', ')', '"', '\''];

    public static void Add(List<ChunkPiece> pieces, string text, int page, PageBlock block, string? heading, int target)
    {
        var first = pieces.Count;
        var blockTokens = TokenEstimator.RawTextTokens(text[block.Start..block.End]);
        if (block.Kind is PageBlockKind.Table or PageBlockKind.Code && blockTokens <= target)
        {
            pieces.Add(new ChunkPiece(page, block.Start, block.End, blockTokens, heading, 0)); // kept whole
        }
        else
        {
            var byLine = block.Kind is PageBlockKind.Table or PageBlockKind.Code;
            foreach (var (start, end) in byLine ? Lines(text, block.Start, block.End) : Sentences(text, block.Start, block.End))
            {
                AddBounded(pieces, text, page, start, end, heading, target);
            }
        }

        if (pieces.Count > first)
        {
            pieces[first] = pieces[first] with { BlockTokens = Math.Max(1, blockTokens) };
        }
    }

    private static void AddBounded(List<ChunkPiece> pieces, string text, int page, int start, int end, string? heading, int target)
    {
        while (start < end)
        {
            var tokens = TokenEstimator.RawTextTokens(text[start..end]);
            if (tokens <= target)
            {
                pieces.Add(new ChunkPiece(page, start, end, tokens, heading, 0));
                return;
            }

            var cut = CutNear(text, start, end, target);
            pieces.Add(new ChunkPiece(page, start, cut, TokenEstimator.RawTextTokens(text[start..cut]), heading, 0));
            start = cut;
        }
    }

    /// <summary>Where to cut <c>[start, end)</c> so the first part holds about <paramref name="target"/> tokens: after a space if there is one in its last fifth.</summary>
    private static int CutNear(string text, int start, int end, int target)
    {
        double tokens = 0;
        var i = start;
        while (i < end && tokens < target)
        {
            tokens += PageText.IsCjk(text[i]) ? 1 : 1 / 3.5;
            i++;
        }

        if (i < end && char.IsLowSurrogate(text[i]))
        {
            i++; // never split a surrogate pair
        }

        var space = text.LastIndexOf(' ', i - 1, i - start);
        return space > start + (i - start) * 4 / 5 ? space + 1 : i;
    }

    private static IEnumerable<(int Start, int End)> Lines(string text, int start, int end)
    {
        while (start < end)
        {
            var newline = text.IndexOf('\n', start, end - start);
            var stop = newline < 0 ? end : newline + 1;
            yield return (start, stop);
            start = stop;
        }
    }

    /// <summary>Sentences of <c>[start, end)</c>, each with the spaces after it; together they cover the range.</summary>
    private static IEnumerable<(int Start, int End)> Sentences(string text, int start, int end)
    {
        var from = start;
        for (var i = start; i < end; i++)
        {
            var c = text[i];
            var stop = c == '\n'
                || (Array.IndexOf(CjkEnds, c) >= 0 && (PageText.IsCjk(c) || i + 1 >= end || char.IsWhiteSpace(text[i + 1])))
                || (c == '.' && (i + 1 >= end || char.IsWhiteSpace(text[i + 1])) && !IsAbbreviationOrNumber(text, from, i));
            if (!stop)
            {
                continue;
            }

            var after = i + 1;
            while (after < end && Array.IndexOf(Closers, text[after]) >= 0)
            {
                after++;
            }

            while (after < end && char.IsWhiteSpace(text[after]))
            {
                after++;
            }

            yield return (from, after);
            from = after;
            i = after - 1;
        }

        if (from < end)
        {
            yield return (from, end);
        }
    }

    /// <summary>"e.g." or "Fig. 2" or a list number "3." do not end a sentence: a single letter or digits before the dot.</summary>
    private static bool IsAbbreviationOrNumber(string text, int from, int dot)
    {
        var word = dot;
        while (word > from && char.IsLetterOrDigit(text[word - 1]))
        {
            word--;
        }

        var length = dot - word;
        return length == 1 || (length > 0 && text.AsSpan(word, length).IndexOfAnyExceptInRange('0', '9') < 0);
    }
}

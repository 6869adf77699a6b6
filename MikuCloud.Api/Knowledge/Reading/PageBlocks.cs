using System.Text.RegularExpressions;

namespace MikuCloud.Api.Knowledge;

/// <summary>The structural blocks of a page's text, each a character range of it.</summary>
internal enum PageBlockKind
{
    Heading,
    Paragraph,
    List,
    Table,
    Code,
}

/// <summary>A block of a page's text: <c>[Start, End)</c>, and for a heading its level (1–6).</summary>
internal readonly record struct PageBlock(PageBlockKind Kind, int Start, int End, int Level = 0);

/// <summary>
/// Splits a page's text into blocks the way Markdown reads it (and the readers write it): <c>#</c> headings, paragraphs
/// separated by blank lines, list items, <c>|</c> table rows, and fenced code kept whole with its fences.
/// </summary>
internal static partial class PageBlocks
{
    [GeneratedRegex(@"^ {0,3}(#{1,6})[ \t]+\S")]
    private static partial Regex HeadingLine();

    [GeneratedRegex(@"^\s*([-*+•]|\d{1,9}[.)、])[ \t]+\S")]
    private static partial Regex ListLine();

    [GeneratedRegex(@"^ {0,3}(```|~~~)")]
    private static partial Regex FenceLine();

    public static List<PageBlock> Parse(string text)
    {
        var blocks = new List<PageBlock>();
        PageBlockKind? open = null;
        int openStart = 0, openEnd = 0;
        string? fence = null;

        void Close()
        {
            if (open is { } kind)
            {
                blocks.Add(new PageBlock(kind, openStart, openEnd));
            }

            open = null;
        }

        void Start(PageBlockKind kind, int start, int end)
        {
            Close();
            (open, openStart, openEnd) = (kind, start, end);
        }

        for (var start = 0; start < text.Length;)
        {
            var newline = text.IndexOf('\n', start);
            var end = newline < 0 ? text.Length : newline;
            var line = text.AsSpan(start, end - start);
            var next = newline < 0 ? text.Length : newline + 1;

            if (fence is not null)
            {
                openEnd = end; // inside fenced code: everything, blank lines too, up to the closing fence
                if (line.TrimStart().StartsWith(fence, StringComparison.Ordinal))
                {
                    fence = null;
                    Close();
                }
            }
            else if (line.IsWhiteSpace())
            {
                Close();
            }
            else if (HeadingLine().Match(line.ToString()) is { Success: true } heading)
            {
                Close();
                blocks.Add(new PageBlock(PageBlockKind.Heading, start, end, heading.Groups[1].Length));
            }
            else if (FenceLine().Match(line.ToString()) is { Success: true } opening)
            {
                Start(PageBlockKind.Code, start, end);
                fence = opening.Groups[1].Value;
            }
            else if (line.TrimStart().StartsWith('|'))
            {
                Continue(PageBlockKind.Table, start, end);
            }
            else if (ListLine().IsMatch(line.ToString()))
            {
                Continue(PageBlockKind.List, start, end);
            }
            else
            {
                // A plain line continues a list item (lazy continuation) or a paragraph; after a table it starts one.
                Continue(open is PageBlockKind.List ? PageBlockKind.List : PageBlockKind.Paragraph, start, end);
            }

            start = next;
        }

        Close();
        return blocks;

        void Continue(PageBlockKind kind, int start, int end)
        {
            if (open == kind)
            {
                openEnd = end;
            }
            else
            {
                Start(kind, start, end);
            }
        }
    }

    /// <summary>A heading line's words: without its <c>#</c> marks (leading and closing) and spaces.</summary>
    public static string HeadingTitle(string text, PageBlock heading) =>
        text[heading.Start..heading.End].Trim().TrimStart('#').TrimEnd('#').Trim();
}

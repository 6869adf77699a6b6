using Markdig.Extensions.Mathematics;
using Markdig.Helpers;
using Markdig.Parsers;
using Markdig.Syntax;

namespace MikuCloud.Web.Rendering.Maths;

/// <summary>
/// The LaTeX delimiters Qwen3-VL writes besides dollars: <c>\(…\)</c> (inline) and <c>\[…\]</c> (display), plus a
/// <c>$$…$$</c> that spans lines inside a paragraph (Markdig's own parser keeps to one line). Runs before Markdig's
/// backslash-escape parser, which would otherwise turn <c>\(</c> into "(". A formula without its closing delimiter is
/// not one (yet): while an answer streams it stays text until the delimiter arrives, so a half-written formula never
/// flashes as an error. Code spans are untouched: the code-span parser has consumed them before this one sees a backslash.
/// </summary>
internal sealed class BracketMathParser : InlineParser
{
    public BracketMathParser() => OpeningCharacters = ['\\', '$'];

    public override bool Match(InlineProcessor processor, ref StringSlice slice)
    {
        var (close, display) = (slice.CurrentChar, slice.PeekCharExtra(1)) switch
        {
            ('\\', '(') => ("\\)", false),
            ('\\', '[') => ("\\]", true),
            ('$', '$') when slice.PeekCharExtra(-1) != '$' => ("$$", true),
            _ => ("", false),
        };
        var contentStart = slice.Start + 2;
        if (close.Length == 0 || contentStart > slice.End)
        {
            return false;
        }

        var end = slice.Text.IndexOf(close, contentStart, slice.End - contentStart + 1, StringComparison.Ordinal);
        if (end < 0 || string.IsNullOrWhiteSpace(slice.Text[contentStart..end]))
        {
            return false;
        }

        var startPosition = slice.Start;
        processor.Inline = new MathInline
        {
            Span = new SourceSpan(processor.GetSourcePosition(startPosition, out var line, out var column), processor.GetSourcePosition(end + 1)),
            Line = line,
            Column = column,
            Delimiter = slice.CurrentChar,
            DelimiterCount = display ? 2 : 1,
            Content = new StringSlice(slice.Text, contentStart, end - 1),
        };
        slice.Start = end + 2;
        return true;
    }
}

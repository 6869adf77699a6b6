using System.Text;

namespace MikuCloud.Api.Knowledge;

/// <summary>Small text rules the readers share.</summary>
internal static class PageText
{
    /// <summary>One kind of line end (<c>\n</c>), so offsets count the same characters everywhere.</summary>
    public static string NormaliseLineEnds(string text) =>
        text.Contains('\r', StringComparison.Ordinal) ? text.Replace("\r\n", "\n", StringComparison.Ordinal).Replace('\r', '\n') : text;

    public static KnowledgeReadException TooMuchText(KnowledgeReadingOptions limits) => new(ProblemCodes.KnowledgeFileTooLarge,
        $"A page holds more than {limits.MaxPageChars:N0} characters of text; split the document and upload the parts.");

    /// <summary>True for a character of Chinese, Japanese or Korean script (written without spaces between words).</summary>
    public static bool IsCjk(char c) => c is >= '\u2E80' and <= '\u9FFF' or >= '\uAC00' and <= '\uD7AF' or >= '\uF900' and <= '\uFAFF' or >= '\uFF00' and <= '\uFFEF';

    /// <summary>
    /// Removes the spaces a PDF's word finder puts between CJK characters (each glyph is its own "word" there), keeping
    /// the spaces between Latin words.
    /// </summary>
    public static string JoinCjk(string text)
    {
        if (!text.Any(IsCjk))
        {
            return text;
        }

        var output = new StringBuilder(text.Length);
        for (var i = 0; i < text.Length; i++)
        {
            var c = text[i];
            if (c == ' ' && output.Length > 0 && IsCjk(output[^1]) && i + 1 < text.Length && IsCjk(text[i + 1]))
            {
                continue;
            }

            output.Append(c);
        }

        return output.ToString();
    }

    /// <summary>Letters and digits in <paramref name="text"/>: how much a page really says.</summary>
    public static int Meaningful(string text) => text.Count(char.IsLetterOrDigit);
}

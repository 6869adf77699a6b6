using System.Globalization;

namespace MikuCloud.Contracts;

/// <summary>
/// The one rule for a conversation's title when none is given: the first line of its first message, at most
/// <see cref="MaxTextElements"/> user-perceived characters, then "…"; <see cref="ImageOnly"/> for a message with only images.
/// </summary>
/// <remarks>
/// Counted in text elements (grapheme clusters, <see cref="StringInfo"/>), so an emoji ZWJ family, a flag or a letter
/// with combining marks is one character and is never cut in half. A text element can be arbitrarily long (stacked
/// combining marks), so the title also stops, between whole elements, before <see cref="MaxChars"/> UTF-16 units: the
/// stored title takes at most 200.
/// </remarks>
public static class ConversationTitle
{
    /// <summary>The most user-perceived characters taken from the first line.</summary>
    public const int MaxTextElements = 40;

    /// <summary>The most UTF-16 code units taken from the first line (the stored title's limit is 200).</summary>
    public const int MaxChars = 120;

    /// <summary>The title of a conversation whose first message has no text, only images (both languages, as the API has no locale).</summary>
    public const string ImageOnly = "图片 · Image";

    /// <summary>The title derived from a conversation's first message.</summary>
    public static string From(string? firstMessage)
    {
        var line = (firstMessage ?? "").Trim().Split('\n', 2)[0].Trim();
        if (line.Length == 0)
        {
            return ImageOnly;
        }

        var elements = StringInfo.GetTextElementEnumerator(line);
        var count = 0;
        var end = 0;
        while (elements.MoveNext())
        {
            var next = elements.ElementIndex + ((string)elements.Current).Length;
            if (++count > MaxTextElements || next > MaxChars)
            {
                return line[..end] + "…";
            }

            end = next;
        }

        return line;
    }
}

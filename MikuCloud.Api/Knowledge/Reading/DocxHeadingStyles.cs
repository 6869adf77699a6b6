using DocumentFormat.OpenXml.Packaging;
using DocumentFormat.OpenXml.Wordprocessing;

namespace MikuCloud.Api.Knowledge;

/// <summary>
/// Which paragraph styles of a Word document are headings, and of which level: by the style's name (<c>heading 2</c>,
/// <c>Title</c>; style ids are translated in localised Word, names are not) or its outline level, following
/// <c>basedOn</c> so a custom style built on a heading is one too.
/// </summary>
internal sealed class DocxHeadingStyles
{
    private readonly Dictionary<string, Style> styles = new(StringComparer.Ordinal);
    private readonly Dictionary<string, int> levels = new(StringComparer.Ordinal);

    public DocxHeadingStyles(MainDocumentPart main)
    {
        var all = main.StyleDefinitionsPart?.Styles?.Elements<Style>() ?? [];
        foreach (var style in all)
        {
            if (style.StyleId?.Value is { } id)
            {
                styles.TryAdd(id, style);
            }
        }
    }

    /// <summary>The heading level (1–6) of a paragraph, or 0 for body text.</summary>
    public int LevelOf(Paragraph paragraph)
    {
        var properties = paragraph.ParagraphProperties;
        if (properties?.OutlineLevel?.Val?.Value is { } outline && outline < 9)
        {
            return Math.Min(outline + 1, 6);
        }

        return properties?.ParagraphStyleId?.Val?.Value is { } id ? LevelOfStyle(id, depth: 0) : 0;
    }

    private int LevelOfStyle(string id, int depth)
    {
        if (levels.TryGetValue(id, out var known))
        {
            return known;
        }

        var level = 0;
        if (styles.TryGetValue(id, out var style) && depth < 10)
        {
            var name = style.StyleName?.Val?.Value?.Trim().ToLowerInvariant() ?? "";
            if (name == "title")
            {
                level = 1;
            }
            else if (name.StartsWith("heading ", StringComparison.Ordinal) && int.TryParse(name.AsSpan(8), out var n) && n is >= 1 and <= 9)
            {
                level = Math.Min(n, 6);
            }
            else if (style.StyleParagraphProperties?.OutlineLevel?.Val?.Value is { } outline && outline < 9)
            {
                level = Math.Min(outline + 1, 6);
            }
            else if (style.BasedOn?.Val?.Value is { } parent)
            {
                level = LevelOfStyle(parent, depth + 1);
            }
        }

        levels[id] = level;
        return level;
    }
}

using AngleSharp.Dom;
using Ganss.Xss;

namespace MikuCloud.Web.Rendering.Maths;

/// <summary>
/// What the sanitiser lets through for KaTeX's output, and nothing more: its MathML (for screen readers), the three SVG
/// elements it draws stretchy symbols with (square roots, arrows, braces), the presentation attributes those use, and
/// the layout properties of its inline styles (sizes, offsets, borders, colour). Style attributes survive only inside
/// KaTeX's own output: Markdown writes none, so one anywhere else did not come from us.
/// </summary>
internal static class KatexMarkup
{
    private static readonly string[] Tags =
    [
        "math", "semantics", "annotation", "mrow", "mi", "mn", "mo", "ms", "mtext", "mspace", "msup", "msub", "msubsup",
        "mfrac", "msqrt", "mroot", "mstyle", "mpadded", "mphantom", "menclose", "mover", "munder", "munderover",
        "mtable", "mtr", "mtd", "svg", "path", "line",
    ];

    private static readonly string[] Attributes =
    [
        "style", "xmlns", "encoding", "display", "mathvariant", "mathcolor", "mathbackground", "mathsize", "stretchy",
        "fence", "separator", "lspace", "rspace", "accent", "accentunder", "largeop", "movablelimits", "symmetric",
        "minsize", "maxsize", "linethickness", "scriptlevel", "displaystyle", "columnalign", "columnlines",
        "columnspacing", "rowlines", "rowspacing", "width", "height", "depth", "voffset", "notation", "linebreak",
        "viewBox", "preserveAspectRatio", "d", "x1", "y1", "x2", "y2", "stroke-width",
    ];

    private static readonly string[] CssProperties =
    [
        "height", "width", "min-width", "vertical-align", "top", "bottom", "left", "position", "margin", "margin-left",
        "margin-right", "margin-top", "padding-left", "border-color", "border-style", "border-width", "border-top-width",
        "border-bottom-width", "border-right-width", "border-right-style", "color", "background-color",
    ];

    /// <summary>Adds KaTeX's tags, attributes and style properties to the sanitiser's allow-lists.</summary>
    public static void Allow(HtmlSanitizerOptions options)
    {
        options.AllowedTags.UnionWith(Tags);
        options.AllowedAttributes.UnionWith(Attributes);
        options.AllowedCssProperties.UnionWith(CssProperties);
    }

    /// <summary>Drops a style attribute that is not inside KaTeX's output (call for every element after sanitising).</summary>
    public static void ConfineStyles(IElement element)
    {
        if (element.HasAttribute("style") && element.Closest(".katex, .katex-error") is null)
        {
            element.RemoveAttribute("style");
        }
    }
}

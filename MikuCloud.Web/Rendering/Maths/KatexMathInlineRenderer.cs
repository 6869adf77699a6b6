using Markdig.Extensions.Mathematics;
using Markdig.Renderers;
using Markdig.Renderers.Html;

namespace MikuCloud.Web.Rendering.Maths;

/// <summary>Writes an inline formula as KaTeX HTML; <c>$$…$$</c> and <c>\[…\]</c> inside a paragraph are display maths.</summary>
internal sealed class KatexMathInlineRenderer(KatexRenderer katex) : HtmlObjectRenderer<MathInline>
{
    protected override void Write(HtmlRenderer renderer, MathInline math)
    {
        var tex = math.Content.ToString();
        if (renderer.EnableHtmlForInline)
        {
            renderer.Write(katex.Render(tex, displayMode: math.DelimiterCount == 2));
        }
        else
        {
            renderer.WriteEscape(tex);
        }
    }
}

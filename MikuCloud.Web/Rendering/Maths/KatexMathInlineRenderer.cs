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
            // class="math", as Markdig's own math renderer writes: a hook for styles and tests, whatever renders the formula.
            renderer.Write("<span class=\"math\">").Write(katex.Render(tex, displayMode: math.DelimiterCount == 2)).Write("</span>");
        }
        else
        {
            renderer.WriteEscape(tex);
        }
    }
}

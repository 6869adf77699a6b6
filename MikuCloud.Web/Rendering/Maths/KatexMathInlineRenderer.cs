using Markdig.Extensions.Mathematics;
using Markdig.Renderers;
using Markdig.Renderers.Html;

namespace MikuCloud.Web.Rendering.Maths;

/// <summary>
/// Writes an inline formula's marker (<see cref="FormulaMarkers"/>), which becomes its KaTeX HTML after sanitising;
/// <c>$$…$$</c> and <c>\[…\]</c> inside a paragraph are display maths.
/// </summary>
internal sealed class KatexMathInlineRenderer : HtmlObjectRenderer<MathInline>
{
    protected override void Write(HtmlRenderer renderer, MathInline math)
    {
        var tex = math.Content.ToString();
        if (renderer.EnableHtmlForInline)
        {
            // class="math", as Markdig's own math renderer writes: a hook for styles and tests, whatever renders the formula.
            renderer.Write("<span class=\"math\">").Write(FormulaMarkers.For(tex, display: math.DelimiterCount == 2)).Write("</span>");
        }
        else
        {
            renderer.WriteEscape(tex);
        }
    }
}

using Markdig.Extensions.Mathematics;
using Markdig.Renderers;
using Markdig.Renderers.Html;

namespace MikuCloud.Web.Rendering.Maths;

/// <summary>
/// Writes a <c>$$</c> block's marker (<see cref="FormulaMarkers"/>), which becomes KaTeX display maths. A block without its closing <c>$$</c> (an answer still streaming
/// it) is written as the text the model wrote so far: rendering half a formula would flash KaTeX errors at the reader
/// until the rest arrives.
/// </summary>
internal sealed class KatexMathBlockRenderer : HtmlObjectRenderer<MathBlock>
{
    protected override void Write(HtmlRenderer renderer, MathBlock block)
    {
        renderer.EnsureLine();
        if (block.ClosingFencedCharCount >= 2)
        {
            renderer.Write("<div class=\"math\">").Write(FormulaMarkers.For(block.Lines.ToString().Trim(), display: true)).Write("</div>");
        }
        else
        {
            renderer.Write("<p class=\"math-pending\">$$");
            for (var i = 0; i < block.Lines.Count; i++)
            {
                var line = block.Lines.Lines[i].Slice;
                renderer.Write("<br />").WriteEscape(ref line);
            }

            renderer.Write("</p>");
        }

        renderer.EnsureLine();
    }
}

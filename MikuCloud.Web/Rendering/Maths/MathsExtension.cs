using Markdig;
using Markdig.Extensions.Mathematics;
using Markdig.Renderers;

namespace MikuCloud.Web.Rendering.Maths;

/// <summary>
/// Maths in answers: finds formulas with Markdig's math parsers (which leave code spans and dollar amounts alone) plus
/// <see cref="BracketMathParser"/>, and writes them as markers that become KaTeX HTML rendered on the server
/// (<see cref="FormulaMarkers"/>, <see cref="SafeFormulas"/>).
/// Used instead of <c>UseMathematics()</c>, whose renderers only wrap the source for a script to typeset in the browser.
/// </summary>
internal sealed class MathsExtension : IMarkdownExtension
{
    public void Setup(MarkdownPipelineBuilder pipeline)
    {
        // Both ahead of the backslash-escape and emphasis parsers: a formula's "\(" or "_" is TeX, not Markdown.
        pipeline.InlineParsers.Insert(0, new BracketMathParser());
        pipeline.InlineParsers.Insert(0, new DollarMathParser());
        pipeline.BlockParsers.Insert(0, new MathBlockParser());
    }

    public void Setup(MarkdownPipeline pipeline, IMarkdownRenderer renderer)
    {
        if (renderer is HtmlRenderer html)
        {
            // First in the list: a MathBlock is also a FencedCodeBlock, which the code renderer would otherwise take.
            html.ObjectRenderers.Insert(0, new KatexMathInlineRenderer());
            html.ObjectRenderers.Insert(0, new KatexMathBlockRenderer());
        }
    }
}

using Markdig.Extensions.Mathematics;
using Markdig.Helpers;
using Markdig.Parsers;

namespace MikuCloud.Web.Rendering.Maths;

/// <summary>
/// Markdig's <c>$…$</c>/<c>$$…$$</c> parser with pandoc's rule for an opening single dollar added: it must be followed
/// by a non-space, so "$ 5 and $ 6" stays text like "$5 and $10" (which Markdig already leaves alone: a closing
/// <c>$</c> followed by a digit does not close).
/// </summary>
internal sealed class DollarMathParser : MathInlineParser
{
    public override bool Match(InlineProcessor processor, ref StringSlice slice)
    {
        var single = slice.PeekCharExtra(-1) != '$' && slice.PeekCharExtra(1) != '$';
        if (single && slice.PeekCharExtra(1).IsWhitespace())
        {
            return false;
        }

        return base.Match(processor, ref slice);
    }
}

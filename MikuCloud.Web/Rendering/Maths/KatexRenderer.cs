using System.Net;

namespace MikuCloud.Web.Rendering.Maths;

/// <summary>
/// A TeX formula → KaTeX HTML (with MathML), rendered on the server so the Markdown sanitiser still sees every tag
/// (<see cref="SafeFormulas"/> sanitises and caches it). Never throws for bad input: invalid TeX comes back as KaTeX's
/// own error span, and a formula that is too long or hits a limit as ours, with the same class and the source as text.
/// </summary>
public sealed class KatexRenderer
{
    /// <summary>Longest formula rendered; a longer one is shown as text (KaTeX's time grows with it, and no real one is this long).</summary>
    public const int MaxFormulaLength = 4_000;

    private readonly KatexEngines engines = new();

    /// <summary>The one renderer of the process: its engines and cache are worth sharing, like the code highlighter's grammars.</summary>
    public static KatexRenderer Shared { get; } = new();

    /// <summary>
    /// HTML for <paramref name="tex"/>: display (block, centred) or inline. Not <see cref="KatexHtml.Cacheable"/> when it
    /// ran out of time, which may say more about a busy machine than about the formula.
    /// </summary>
    public KatexHtml Render(string tex, bool displayMode)
    {
        ArgumentNullException.ThrowIfNull(tex);
        tex = tex.Trim();
        if (tex.Length > MaxFormulaLength)
        {
            return new(ErrorSpan(tex, $"Formula longer than {MaxFormulaLength} characters: shown as text."), Cacheable: true);
        }

        try
        {
            return new(engines.Render(tex, displayMode), Cacheable: true);
        }
        catch (Jint.Runtime.ExecutionCanceledException)
        {
            return new(ErrorSpan(tex, "This formula took too long to render: shown as text."), Cacheable: false);
        }
        catch (Exception e) when (e is Jint.Runtime.RecursionDepthOverflowException or Jint.Runtime.JavaScriptException)
        {
            return new(ErrorSpan(tex, "This formula is too deeply nested to render: shown as text."), Cacheable: true);
        }
    }

    /// <summary>The same shape as KaTeX's error output (<c>throwOnError: false</c>): the source, escaped, and why in the title.</summary>
    private static string ErrorSpan(string tex, string reason) =>
        $"<span class=\"katex-error\" title=\"{WebUtility.HtmlEncode(reason)}\">{WebUtility.HtmlEncode(tex)}</span>";
}

using System.Net;
using Microsoft.Extensions.Caching.Memory;

namespace MikuCloud.Web.Rendering.Maths;

/// <summary>
/// A TeX formula → KaTeX HTML (with MathML), rendered on the server so the Markdown sanitiser still sees every tag.
/// Cached by formula: a streaming answer is re-rendered many times a second and each of its finished formulas must then
/// cost a lookup, not a KaTeX run. Never throws for bad input: invalid TeX comes back as KaTeX's own error span, and a
/// formula that is too long or hits a limit as ours, with the same class and the source as text.
/// </summary>
public sealed class KatexRenderer
{
    /// <summary>Longest formula rendered; a longer one is shown as text (KaTeX's time grows with it, and no real one is this long).</summary>
    public const int MaxFormulaLength = 4_000;

    private readonly KatexEngines engines = new();
    private readonly MemoryCache cache = new(new MemoryCacheOptions { SizeLimit = 4_096 });

    /// <summary>The one renderer of the process: its engines and cache are worth sharing, like the code highlighter's grammars.</summary>
    public static KatexRenderer Shared { get; } = new();

    /// <summary>HTML for <paramref name="tex"/>: display (block, centred) or inline.</summary>
    public string Render(string tex, bool displayMode)
    {
        ArgumentNullException.ThrowIfNull(tex);
        tex = tex.Trim();
        if (tex.Length > MaxFormulaLength)
        {
            return ErrorSpan(tex, $"Formula longer than {MaxFormulaLength} characters: shown as text.");
        }

        var key = (tex, displayMode);
        if (cache.TryGetValue(key, out string? html) && html is not null)
        {
            return html;
        }

        try
        {
            html = engines.Render(tex, displayMode);
        }
        catch (Jint.Runtime.ExecutionCanceledException)
        {
            // Out of time: maybe only because the machine is busy, so not cached; the next render tries again.
            return ErrorSpan(tex, "This formula took too long to render: shown as text.");
        }
        catch (Exception e) when (e is Jint.Runtime.RecursionDepthOverflowException or Jint.Runtime.JavaScriptException)
        {
            html = ErrorSpan(tex, "This formula is too deeply nested to render: shown as text.");
        }

        cache.Set(key, html, new MemoryCacheEntryOptions { Size = 1 });
        return html;
    }

    /// <summary>The same shape as KaTeX's error output (<c>throwOnError: false</c>): the source, escaped, and why in the title.</summary>
    private static string ErrorSpan(string tex, string reason) =>
        $"<span class=\"katex-error\" title=\"{WebUtility.HtmlEncode(reason)}\">{WebUtility.HtmlEncode(tex)}</span>";
}

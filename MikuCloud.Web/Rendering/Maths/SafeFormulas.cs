using Microsoft.Extensions.Caching.Memory;

namespace MikuCloud.Web.Rendering.Maths;

/// <summary>
/// A formula's final HTML: rendered by KaTeX, then passed through the answer's sanitiser on its own, once, and cached.
/// A streaming answer is re-rendered many times a second; each of its finished formulas then costs a lookup, not a
/// KaTeX run and a sanitiser pass over kilobytes of spans (see <see cref="FormulaMarkers"/>).
/// </summary>
internal sealed class SafeFormulas(KatexRenderer katex, Func<string, string> sanitize)
{
    private readonly MemoryCache cache = new(new MemoryCacheOptions { SizeLimit = 4_096 });

    /// <summary>Sanitised KaTeX HTML for <paramref name="tex"/>.</summary>
    public string Get(string tex, bool display)
    {
        var key = (tex, display);
        if (cache.TryGetValue(key, out string? html) && html is not null)
        {
            return html;
        }

        var rendered = katex.Render(tex, display);
        html = sanitize(rendered.Html);
        if (rendered.Cacheable)
        {
            cache.Set(key, html, new MemoryCacheEntryOptions { Size = 1 });
        }

        return html;
    }
}

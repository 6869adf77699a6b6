using Ganss.Xss;
using Markdig;
using Markdig.Renderers;
using Markdig.Renderers.Html;
using Markdig.Syntax;
using MikuCloud.Web.Localization;
using MikuCloud.Web.Rendering.Maths;

namespace MikuCloud.Web.Rendering;

/// <summary>
/// Model output → safe HTML. Model output is untrusted (a prompt can make the model write anything, including
/// <c>&lt;script&gt;</c>, <c>onerror=</c> and <c>javascript:</c> links), so there are three layers:
/// <list type="number">
/// <item>Markdig with raw HTML disabled: tags in the answer are shown as text, never parsed as markup;
/// no generic-attributes extension (it would let <c>{onclick=…}</c> through to the output).</item>
/// <item>HtmlSanitizer on Markdig's output: an allow-list of tags/attributes/schemes (http, https, mailto only).</item>
/// <item>The Content-Security-Policy header (see <see cref="SecurityHeaders.UseMikuSecurityHeaders"/>): no inline script can run even if
/// the first two failed.</item>
/// </list>
/// </summary>
public sealed class MarkdownRenderer
{
    /// <summary>
    /// Test-only switch (<c>Markdown:UnsafeDisableSanitizer=true</c>): raw HTML in answers passes through unsanitised, so
    /// the browser tests can prove the Content-Security-Policy alone stops script. Honoured only in the Development and
    /// Testing environments; ignored (with an error in the log) anywhere else.
    /// </summary>
    public const string UnsafeSwitch = "Markdown:UnsafeDisableSanitizer";

    private readonly MarkdownPipeline pipeline;
    private readonly HtmlSanitizer? sanitizer;
    private readonly SafeFormulas formulas;

    public MarkdownRenderer()
        : this(unsafeRawHtml: false)
    {
    }

    private MarkdownRenderer(bool unsafeRawHtml)
    {
        var builder = new MarkdownPipelineBuilder()
            .UsePipeTables()
            .UseGridTables()
            .UseEmphasisExtras()
            .UseCjkFriendlyEmphasis() // "**粗体**。" must bold even without spaces around it
            .UseListExtras()
            .UseTaskLists()
            .UseAutoLinks()
            .Use<MathsExtension>() // LaTeX → KaTeX HTML on the server, so the sanitiser sees it (formulas filled in below)
            .UseFootnotes()
            // Chat answers use single newlines as line breaks (poems, addresses, step lists); CommonMark would join them.
            .UseSoftlineBreakAsHardlineBreak()
            .Use<HighlightedCodeExtension>();
        if (!unsafeRawHtml)
        {
            builder.DisableHtml();
        }

        pipeline = builder.Build();
        var safe = unsafeRawHtml ? null : CreateSanitizer();
        sanitizer = safe;
        formulas = new SafeFormulas(KatexRenderer.Shared, html => safe is null ? html : safe.Sanitize(html));
    }

    /// <summary>Whether this renderer lets raw HTML through unsanitised (the test-only switch).</summary>
    public bool IsUnsafe => sanitizer is null;

    /// <summary>The renderer the app uses: safe, unless the test-only switch is on in Development or Testing.</summary>
    public static MarkdownRenderer Create(IConfiguration configuration, IHostEnvironment environment, ILogger<MarkdownRenderer> log)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        ArgumentNullException.ThrowIfNull(environment);
        if (!configuration.GetValue<bool>(UnsafeSwitch))
        {
            return new MarkdownRenderer();
        }

        if (!environment.IsDevelopment() && !environment.IsEnvironment("Testing"))
        {
            log.LogError("{Switch} is set in the {Environment} environment and is ignored: it is only for security tests.", UnsafeSwitch, environment.EnvironmentName);
            return new MarkdownRenderer();
        }

        log.LogWarning("{Switch} is on: model answers are rendered as raw, unsanitised HTML. Only the CSP stands between them and the page.", UnsafeSwitch);
        return new MarkdownRenderer(unsafeRawHtml: true);
    }

    /// <summary>Renders <paramref name="markdown"/> (complete or still streaming) to sanitised HTML.</summary>
    public string ToSafeHtml(string? markdown)
    {
        if (string.IsNullOrEmpty(markdown))
        {
            return "";
        }

        var html = Markdown.ToHtml(markdown, pipeline);
        html = sanitizer is null ? html : sanitizer.Sanitize(html);
        return FormulaMarkers.Fill(html, formulas.Get); // each formula sanitised on its own, once (SafeFormulas)
    }

    private static HtmlSanitizer CreateSanitizer()
    {
        var options = new HtmlSanitizerOptions
        {
            AllowedTags = new HashSet<string>(StringComparer.OrdinalIgnoreCase)
            {
                "p", "br", "hr", "strong", "b", "em", "i", "del", "s", "ins", "mark", "sub", "sup", "code", "pre", "kbd",
                "blockquote", "ul", "ol", "li", "dl", "dt", "dd", "h1", "h2", "h3", "h4", "h5", "h6",
                "table", "thead", "tbody", "tfoot", "tr", "th", "td", "caption", "colgroup", "col",
                "a", "span", "div", "input", "button", "section", "footer",
            },
            AllowedAttributes = new HashSet<string>(StringComparer.OrdinalIgnoreCase)
            {
                "href", "title", "class", "align", "colspan", "rowspan", "start", "type", "checked", "disabled",
                "aria-label", "aria-hidden", "id", "role", "target", "rel",
            },
            AllowedSchemes = new HashSet<string>(StringComparer.OrdinalIgnoreCase) { "http", "https", "mailto" },
            UriAttributes = new HashSet<string>(StringComparer.OrdinalIgnoreCase) { "href" },
            AllowedCssProperties = new HashSet<string>(StringComparer.OrdinalIgnoreCase) { "text-align" },
        };
        KatexMarkup.Allow(options);
        var sanitizer = new HtmlSanitizer(options);
        sanitizer.PostProcessNode += (_, e) =>
        {
            if (e.Node is AngleSharp.Dom.IElement element)
            {
                KatexMarkup.ConfineStyles(element);
                switch (element.LocalName)
                {
                    case "a":
                        // Links from an answer open elsewhere and learn nothing about this page.
                        element.SetAttribute("target", "_blank");
                        element.SetAttribute("rel", "noopener noreferrer nofollow");
                        break;
                    case "input" when element.GetAttribute("type") != "checkbox":
                        element.Remove(); // only task-list checkboxes are expected
                        break;
                    case "input":
                        element.SetAttribute("disabled", "disabled");
                        break;
                    case "button" when !element.ClassList.Contains("copy-code"):
                        element.Remove(); // only our own copy buttons
                        break;
                }
            }
        };
        return sanitizer;
    }

    /// <summary>Swaps Markdig's code block renderer for one that highlights and adds a header with a copy button.</summary>
    private sealed class HighlightedCodeExtension : IMarkdownExtension
    {
        public void Setup(MarkdownPipelineBuilder pipeline)
        {
        }

        public void Setup(MarkdownPipeline pipeline, IMarkdownRenderer renderer)
        {
            if (renderer is HtmlRenderer html)
            {
                // The maths extension put its MathBlock renderer first, so $$…$$ still renders as maths.
                html.ObjectRenderers.ReplaceOrAdd<CodeBlockRenderer>(new HighlightedCodeBlockRenderer());
            }
        }
    }

    private sealed class HighlightedCodeBlockRenderer : HtmlObjectRenderer<CodeBlock>
    {
        protected override void Write(HtmlRenderer renderer, CodeBlock block)
        {
            var language = block is FencedCodeBlock fenced ? CodeHighlighter.NormalizeLanguage(fenced.Info) : "";
            var code = block.Lines.ToString();
            renderer.EnsureLine();
            renderer.Write("<div class=\"code-block\"><div class=\"code-head\"><span class=\"code-lang\">")
                .WriteEscape(language.Length > 0 ? language : "text")
                .Write("</span><button type=\"button\" class=\"copy-code\">").WriteEscape(UiText.Get("msg.copyCode"))
                .Write("</button></div><pre><code");
            if (language.Length > 0)
            {
                renderer.Write(" class=\"language-").WriteEscape(language).Write('"');
            }

            renderer.Write('>');
            renderer.Write(CodeHighlighter.Highlight(code, language));
            renderer.Write("</code></pre></div>");
            renderer.EnsureLine();
        }
    }
}

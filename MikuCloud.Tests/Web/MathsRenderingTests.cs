using AngleSharp.Dom;
using AngleSharp.Html.Parser;
using MikuCloud.Web.Rendering;

namespace MikuCloud.Tests.Web;

/// <summary>
/// LaTeX in answers → KaTeX HTML rendered on the server, through the sanitiser: the four delimiters Qwen3-VL writes,
/// dollar amounts and code left alone, invalid or hostile TeX shown safely, half-streamed formulas shown as text.
/// </summary>
public class MathsRenderingTests
{
    private readonly MarkdownRenderer renderer = new();

    [Fact]
    public void Inline_dollar_maths_renders_as_katex_with_mathml_for_screen_readers()
    {
        var body = Render("质能方程 $E=mc^2$ 很有名。");

        var katex = Assert.Single(body.QuerySelectorAll("p > span.math > span.katex"));
        Assert.Null(katex.QuerySelector(".katex-display"));
        Assert.Equal("E=mc^2", katex.QuerySelector("math annotation[encoding='application/x-tex']")!.TextContent);
        Assert.NotNull(katex.QuerySelector("math msup"));
        Assert.Equal("true", katex.QuerySelector(".katex-html")!.GetAttribute("aria-hidden"));
        Assert.DoesNotContain("$", body.TextContent.Replace("E=mc^2", "", StringComparison.Ordinal), StringComparison.Ordinal);
    }

    [Fact]
    public void A_dollar_block_renders_as_display_maths_with_its_layout_styles()
    {
        var body = Render("求根公式：\n\n$$\nx = \\frac{-b \\pm \\sqrt{b^2-4ac}}{2a}\n$$\n\n完毕");

        var display = Assert.Single(body.QuerySelectorAll("div.math > .katex-display"));
        Assert.NotNull(display.QuerySelector("math[display=block] mfrac"));
        // KaTeX positions with inline styles and draws the root sign as SVG: both survive the sanitiser.
        Assert.Contains(display.QuerySelectorAll("[style]"), e => e.GetAttribute("style")!.Contains("vertical-align", StringComparison.Ordinal));
        var svg = Assert.Single(display.QuerySelectorAll(".sqrt svg"));
        Assert.NotNull(svg.GetAttribute("viewBox"));
        Assert.NotEmpty(svg.QuerySelector("path")!.GetAttribute("d")!);
    }

    [Fact]
    public void Backslash_paren_and_bracket_delimiters_render_inline_and_display()
    {
        var body = Render("设 \\(a^2+b^2=c^2\\)，则\n\\[\n\\sum_{n=1}^{\\infty} \\frac{1}{n^2} = \\frac{\\pi^2}{6}\n\\]\n所以成立。");

        var formulas = body.QuerySelectorAll("span.math > .katex, span.math > .katex-display");
        Assert.Equal(2, formulas.Length);
        Assert.Equal("a^2+b^2=c^2", Tex(formulas[0]));
        Assert.Equal("katex-display", formulas[1].ClassName);
        Assert.Equal("\\sum_{n=1}^{\\infty} \\frac{1}{n^2} = \\frac{\\pi^2}{6}", Tex(formulas[1]));
        Assert.DoesNotContain("\\(", body.TextContent.Replace(Tex(formulas[0]), "", StringComparison.Ordinal), StringComparison.Ordinal);
    }

    [Fact]
    public void Double_dollars_inside_a_paragraph_are_display_maths_even_across_lines()
    {
        var body = Render("结果是 $$\\int_0^1 x\\,dx\n= \\frac{1}{2}$$ 对吧");

        var display = Assert.Single(body.QuerySelectorAll("span.math > .katex-display"));
        Assert.Equal("\\int_0^1 x\\,dx\n= \\frac{1}{2}", Tex(display));
    }

    [Theory]
    [InlineData("The book costs $5 and the pen $10.")]
    [InlineData("It went from $5 to $10, then $20!")]
    [InlineData("I have $ 5 and you have $ 6 left")]
    [InlineData("价格：$5.99 或 $12（含税）")]
    public void Dollar_amounts_stay_text(string answer)
    {
        var body = Render(answer);

        Assert.Empty(body.QuerySelectorAll(".katex, .math"));
        Assert.Equal(answer, body.TextContent.Trim());
    }

    [Fact]
    public void Code_spans_and_code_blocks_keep_their_tex_as_code()
    {
        var body = Render("写 `$x^2$` 或 `\\(y\\)`：\n\n```latex\n$$\\frac{a}{b}$$\n\\[ z \\]\n```");

        Assert.Empty(body.QuerySelectorAll(".katex"));
        Assert.Equal(["$x^2$", "\\(y\\)"], body.QuerySelectorAll("p code").Select(c => c.TextContent));
        Assert.Contains("$$\\frac{a}{b}$$\n\\[ z \\]", body.QuerySelector("pre code")!.TextContent, StringComparison.Ordinal);
    }

    [Fact]
    public void Invalid_latex_shows_an_error_span_with_the_source_and_the_rest_of_the_answer()
    {
        var body = Render("错误 $\\frac{a}{$ 和正确 $\\alpha$ 都在");

        var error = Assert.Single(body.QuerySelectorAll(".katex-error"));
        Assert.Equal("\\frac{a}{", error.TextContent);
        Assert.Contains("ParseError", error.GetAttribute("title"), StringComparison.Ordinal);
        Assert.Single(body.QuerySelectorAll(".katex"));
        Assert.EndsWith("都在", body.TextContent.Trim(), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("$\\href{javascript:alert(1)}{x}$")]
    [InlineData("$\\url{javascript:alert(1)}$")]
    [InlineData("$\\htmlClass{evil}{x}\\htmlId{evil}{y}$")]
    [InlineData("$\\htmlStyle{position:fixed;top:0;left:0;width:100%;height:100%}{x}$")]
    [InlineData("$\\htmlData{onclick=alert(1)}{x}$")]
    [InlineData("$\\includegraphics{https://tracker.example/pixel.png}$")]
    public void Untrusted_katex_commands_render_no_link_class_style_or_image(string answer)
    {
        var html = renderer.ToSafeHtml(answer);
        var body = Parse(html);

        SafeHtml.AssertSafe(html);
        Assert.Empty(body.QuerySelectorAll("a, img, [id=evil], .evil, [data-onclick]"));
        Assert.DoesNotContain(body.QuerySelectorAll("[style]"), e => e.GetAttribute("style")!.Contains("fixed", StringComparison.Ordinal));
        Assert.NotEmpty(body.QuerySelectorAll(".katex, .katex-error")); // shown (as an unsupported command), not dropped
    }

    [Fact]
    public void A_macro_bomb_stops_at_the_expansion_limit_with_an_error()
    {
        var body = Render("$\\def\\a{\\a\\a}\\a$ and $\\def\\b#1{#1#1}\\b{\\b{\\b{\\b{\\b{\\b{\\b{\\b{\\b{\\b{\\b{x}}}}}}}}}}}$");

        var errors = body.QuerySelectorAll(".katex-error");
        Assert.Equal(2, errors.Length);
        Assert.All(errors, e => Assert.Contains("Too many expansions", e.GetAttribute("title"), StringComparison.Ordinal));
    }

    [Fact]
    public void Huge_sizes_are_capped_and_deep_nesting_is_an_error_not_a_crash()
    {
        var rule = Render("$\\rule{100000em}{100000em}$");
        var nested = Render("$" + new string('{', 3000) + "x" + new string('}', 3000) + "$");
        var tooLong = Render("$" + string.Concat(Enumerable.Repeat("x+", 2_500)) + "x$");

        Assert.All(rule.QuerySelectorAll("[style]"), e => Assert.DoesNotContain("100000em", e.GetAttribute("style"), StringComparison.Ordinal));
        Assert.Contains(rule.QuerySelectorAll(".katex-rule"), e => e.GetAttribute("style")!.Contains("10em", StringComparison.Ordinal));
        Assert.Equal(3000, Assert.Single(nested.QuerySelectorAll(".katex-error")).TextContent.Count(c => c == '{'));
        Assert.Contains("longer than", Assert.Single(tooLong.QuerySelectorAll(".katex-error")).GetAttribute("title"), StringComparison.Ordinal);
    }

    [Fact]
    public void Styles_survive_only_inside_formulas()
    {
        var body = Render("| 左 | 右 |\n|:--|--:|\n| $x_1$ | 2 |");

        Assert.DoesNotContain(body.QuerySelectorAll("[style]"), e => e.Closest(".katex") is null);
        Assert.NotEmpty(body.QuerySelectorAll("td .katex [style]"));
    }

    [Fact]
    public void A_formula_streaming_in_is_text_until_it_closes_and_never_an_error()
    {
        const string Answer = "勾股定理：\n\n$$\na^2 + b^2 = c^2\n$$\n\n面积 \\(S = \\frac{1}{2}ab\\)，并且\n\\[\n\\frac{a}{\\sin A} = 2R\n\\]\n还有 $\\sqrt{2} \\approx 1.414$。";

        for (var length = 1; length <= Answer.Length; length++)
        {
            var body = Render(Answer[..length]);
            Assert.True(body.QuerySelector(".katex-error") is null, $"an error after {length} characters: {Answer[..length]}");
        }

        Assert.Contains("$$<br>a^2 + b^2", renderer.ToSafeHtml(Answer[..Answer.IndexOf("= c^2", StringComparison.Ordinal)]), StringComparison.Ordinal);
        Assert.Equal(4, Render(Answer).QuerySelectorAll(".math .katex").Length);
    }

    [Fact]
    public void Text_shaped_like_a_formula_marker_stays_text()
    {
        // Formulas travel through the sanitiser as markers with a per-process nonce; an answer cannot guess it.
        var forged = "\uE0000011223344556677ieF4\uE001";

        var body = Render("看 " + forged + " 这里");

        Assert.Empty(body.QuerySelectorAll(".katex, .math"));
        Assert.Contains(forged, body.TextContent, StringComparison.Ordinal);
    }

    private IElement Render(string markdown) => Parse(renderer.ToSafeHtml(markdown));

    private static IElement Parse(string html) => new HtmlParser().ParseDocument("<body>" + html + "</body>").Body!;

    private static string Tex(IElement formula) => formula.QuerySelector("annotation")!.TextContent;
}

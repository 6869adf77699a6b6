using AngleSharp.Html.Parser;
using MikuCloud.Web.Rendering;

namespace MikuCloud.Tests.Web.Knowledge;

/// <summary>An answer's [n] marks become chips for the sources it was given, and nothing else does.</summary>
public sealed class CitationMarkersTests
{
    private static readonly MarkdownRenderer Markdown = new();

    private static CitationDto Citation(int number, string document = "年报.pdf", int page = 12) =>
        new(number, number * 100L, Guid.NewGuid(), Guid.NewGuid(), document, page, "第三章", "营收增长了 12%。", null);

    private static AngleSharp.Dom.IElement Render(string answer, params CitationDto[] citations) =>
        new HtmlParser().ParseDocument("").Body!.Also(b => b.InnerHtml = CitationMarkers.Apply(Markdown.ToSafeHtml(answer), citations));

    [Fact]
    public void Each_cited_number_becomes_a_chip_naming_its_document_and_page()
    {
        var body = Render("营收增长了 12% [1]，利润翻倍【2】。两者都见 [1, 2]。", Citation(1), Citation(2, "说明.docx", 3));

        var chips = body.QuerySelectorAll("button.cite");
        Assert.Equal(["1", "2", "1", "2"], chips.Select(c => c.TextContent));
        Assert.Equal(["1", "2", "1", "2"], chips.Select(c => c.GetAttribute("data-cite")));
        Assert.Equal("来源 2：说明.docx，第 3 页", chips[1].GetAttribute("title"));
        Assert.Equal("营收增长了 12% 1，利润翻倍2。两者都见 12。", body.TextContent.Trim());
    }

    [Fact]
    public void Marks_in_code_links_and_numbers_without_a_source_stay_as_written()
    {
        const string answer = "见 [3] 和 [2024]，代码 `a[1]` 与 [链接 [1]](https://example.com)：\n\n```python\nx = y[1]\n```";

        var body = Render(answer, Citation(1));

        Assert.Empty(body.QuerySelectorAll("button.cite"));
        Assert.Contains("[3]", body.TextContent, StringComparison.Ordinal);
        Assert.Contains("[2024]", body.TextContent, StringComparison.Ordinal);
        Assert.Equal("a[1]", body.QuerySelector("p code")!.TextContent);
        Assert.Contains("y[1]", body.QuerySelector("pre")!.TextContent, StringComparison.Ordinal);
    }

    [Fact]
    public void Marks_inside_a_formula_stay_maths()
    {
        var body = Render("向量 $x_{[1]}$ 的定义见 [1]。", Citation(1));

        // One chip, for the citation in the prose; the formula's [1] is an index, rendered by KaTeX and kept in its source.
        var chip = Assert.Single(body.QuerySelectorAll("button.cite"));
        Assert.Null(chip.Closest(".katex"));
        Assert.Contains("x_{[1]}", body.QuerySelector(".katex annotation")!.TextContent, StringComparison.Ordinal);
    }

    [Fact]
    public void A_document_name_with_markup_stays_text_in_the_chip()
    {
        var body = Render("看这里 [1]", Citation(1, "\"><img src=x onerror=alert(1)>.pdf"));

        Assert.Empty(body.QuerySelectorAll("img"));
        var chip = Assert.Single(body.QuerySelectorAll("button.cite"));
        Assert.Equal("来源 1：\"><img src=x onerror=alert(1)>.pdf，第 12 页", chip.GetAttribute("title"));
        Assert.Equal(["type", "class", "data-cite", "title"], chip.Attributes.Select(a => a.Name));
    }

    [Fact]
    public void An_answer_without_citations_is_left_exactly_as_rendered()
    {
        var html = Markdown.ToSafeHtml("没有来源的回答 [1]。");

        Assert.Same(html, CitationMarkers.Apply(html, []));
    }
}

internal static class ElementExtensions
{
    public static T Also<T>(this T value, Action<T> action)
    {
        action(value);
        return value;
    }
}

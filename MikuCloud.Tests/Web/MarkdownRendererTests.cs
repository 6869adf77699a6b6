using MikuCloud.Web.Rendering;


namespace MikuCloud.Tests.Web;

/// <summary>Model output → HTML: formatting works, nothing from the answer can run.</summary>
public class MarkdownRendererTests
{
    private readonly MarkdownRenderer renderer = new();

    [Fact]
    public void Renders_common_markdown_with_chinese_friendly_emphasis_and_line_breaks()
    {
        var html = renderer.ToSafeHtml("**加粗**。第一行\n第二行\n\n- 一\n- 二\n\n| a | b |\n|---|---|\n| 1 | 2 |");

        Assert.Contains("<strong>加粗</strong>", html);
        Assert.Contains("第一行<br>", html); // single newlines are line breaks in chat (poems!)
        Assert.Contains("<li>一</li>", html);
        Assert.Contains("<table>", html);
    }

    [Fact]
    public void Code_blocks_are_highlighted_with_a_language_label_and_copy_button()
    {
        var html = renderer.ToSafeHtml("```python\ndef f(x):\n    return \"<b>\" # note\n```");

        Assert.Contains("class=\"code-block\"", html);
        Assert.Contains("<span class=\"code-lang\">python</span>", html);
        Assert.Contains("class=\"copy-code\"", html);
        Assert.Contains("<span class=\"tok-kw\">def</span>", html);
        Assert.Contains("<span class=\"tok-str\">\"&lt;b&gt;\"</span>", html);
        Assert.Contains("<span class=\"tok-com\"># note</span>", html);
    }

    [Fact]
    public void An_unclosed_fence_while_streaming_still_renders_as_code()
    {
        var html = renderer.ToSafeHtml("看代码：\n```js\nconst a = 1;");

        Assert.Contains("<pre><code class=\"language-javascript\">", html);
        Assert.Contains("<span class=\"tok-kw\">const</span>", html);
    }

    [Theory]
    [InlineData("<script>alert(1)</script>")]
    [InlineData("<img src=x onerror=alert(1)>")]
    [InlineData("<a href=\"javascript:alert(1)\">x</a>")]
    [InlineData("<iframe src=\"https://evil.example\"></iframe>")]
    [InlineData("<svg onload=alert(1)></svg>")]
    public void Raw_html_in_an_answer_is_shown_as_text_never_as_markup(string payload)
    {
        var html = renderer.ToSafeHtml("看这里 " + payload + " 结束");

        SafeHtml.AssertSafe(html);
        Assert.Contains("&lt;", html); // visible as text
    }

    [Theory]
    [InlineData("[点我](javascript:alert(1))")]
    [InlineData("[x](JaVaScRiPt:alert(1))")]
    [InlineData("[x](vbscript:msgbox(1))")]
    [InlineData("[x](data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==)")]
    [InlineData("<javascript:alert(1)>")]
    public void Markdown_links_with_script_schemes_lose_their_href(string markdown)
    {
        var html = renderer.ToSafeHtml(markdown);

        SafeHtml.AssertSafe(html);
    }

    [Fact]
    public void Markdown_images_are_not_loaded_from_the_answer()
    {
        // A remote image in an answer would leak that the user read it (tracking pixel); images come only from the user.
        var html = renderer.ToSafeHtml("![猫](https://tracker.example/pixel.png \"t\") and ![x](javascript:alert(1))");

        SafeHtml.AssertSafe(html); // no <img> at all
    }

    [Fact]
    public void Generic_attribute_syntax_cannot_add_event_handlers()
    {
        var html = renderer.ToSafeHtml("[link](https://example.com){onclick=\"alert(1)\"}\n\n# title {#id onmouseover=alert(1)}");

        SafeHtml.AssertSafe(html);
    }

    [Fact]
    public void Links_open_in_a_new_tab_without_referrer_or_opener()
    {
        var html = renderer.ToSafeHtml("见 https://qwenlm.github.io 与 [文档](https://ollama.com/docs)");

        Assert.Contains("href=\"https://ollama.com/docs\"", html);
        Assert.Contains("target=\"_blank\"", html);
        Assert.Contains("rel=\"noopener noreferrer nofollow\"", html);
        Assert.Contains("href=\"https://qwenlm.github.io\"", html); // autolinked
    }

    [Fact]
    public void Task_lists_render_disabled_checkboxes_and_math_keeps_its_tex_source()
    {
        var html = renderer.ToSafeHtml("- [x] 完成\n- [ ] 未完成\n\n质能方程 $E=mc^2$");

        Assert.Contains("type=\"checkbox\"", html);
        Assert.Contains("disabled", html);
        Assert.Contains("class=\"math\"", html);
        Assert.Contains("E=mc^2", html);
    }

    [Fact]
    public void Empty_and_null_render_nothing() => Assert.Equal("", renderer.ToSafeHtml(null) + renderer.ToSafeHtml(""));
}

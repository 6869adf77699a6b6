using MikuCloud.Web.Rendering;


namespace MikuCloud.Tests.Web;

public class CodeHighlighterTests
{
    [Theory]
    [InlineData("C#", "csharp")]
    [InlineData("py", "python")]
    [InlineData("Python title=\"x\"", "python")]
    [InlineData("ts", "typescript")]
    [InlineData("", "")]
    [InlineData("\"><script>", "")]
    public void Language_names_are_normalised_and_junk_is_dropped(string info, string expected) =>
        Assert.Equal(expected, CodeHighlighter.NormalizeLanguage(info));

    [Fact]
    public void Csharp_tokens_get_classes_and_text_is_escaped()
    {
        var html = CodeHighlighter.Highlight("var x = \"<tag>\"; // 注释\nConsole.WriteLine(42);", "csharp");

        Assert.Contains("<span class=\"tok-kw\">var</span>", html);
        Assert.Contains("<span class=\"tok-str\">\"&lt;tag&gt;\"</span>", html);
        Assert.Contains("<span class=\"tok-com\">// 注释</span>", html);
        Assert.Contains("<span class=\"tok-fn\">WriteLine</span>", html);
        Assert.Contains("<span class=\"tok-num\">42</span>", html);
    }

    [Fact]
    public void Sql_keywords_match_in_any_case()
    {
        var html = CodeHighlighter.Highlight("select * FROM users -- all", "sql");

        Assert.Contains("<span class=\"tok-kw\">select</span>", html);
        Assert.Contains("<span class=\"tok-kw\">FROM</span>", html);
        Assert.Contains("<span class=\"tok-com\">-- all</span>", html);
    }

    [Fact]
    public void Markup_highlights_tags_attributes_and_values_without_emitting_markup()
    {
        var html = CodeHighlighter.Highlight("<img src=\"x\" onerror=\"alert(1)\">", "html");

        Assert.DoesNotContain("<img", html);
        Assert.Contains("<span class=\"tok-kw\">&lt;img</span>", html);
        Assert.Contains("<span class=\"tok-attr\">onerror</span>", html);
    }

    [Fact]
    public void Unknown_languages_are_only_escaped() =>
        Assert.Equal("a &lt; b &amp;&amp; c", CodeHighlighter.Highlight("a < b && c", "brainfuck"));

    [Fact]
    public void Unterminated_strings_and_comments_do_not_swallow_or_crash()
    {
        var html = CodeHighlighter.Highlight("x = \"open\ny = 1 /* never closed", "javascript");

        Assert.Contains("<span class=\"tok-num\">1</span>", html);
        Assert.EndsWith("never closed</span>", html);
    }

    [Theory]
    [InlineData("go", "func main() { fmt.Println(\"hi\") }", "<span class=\"tok-kw\">func</span>")]
    [InlineData("rust", "fn main() { let x = 1; }", "<span class=\"tok-num\">1</span>")]
    [InlineData("bash", "echo \"hi\" # greet", "<span class=\"tok-com\"># greet</span>")]
    [InlineData("json", "{\"a\": true}", "<span class=\"tok-lit\">true</span>")]
    [InlineData("java", "public class A {}", "<span class=\"tok-kw\">public</span>")]
    [InlineData("cpp", "#include <x>\nint main() { return 0; }", "<span class=\"tok-kw\">return</span>")]
    [InlineData("typescript", "let n: number = 2;", "<span class=\"tok-kw\">let</span>")]
    public void The_languages_people_ask_a_chat_model_about_are_highlighted(string language, string code, string expected) =>
        Assert.Contains(expected, CodeHighlighter.Highlight(code, language));

    [Fact]
    public void A_script_in_any_language_comes_out_as_text()
    {
        foreach (var language in new[] { "html", "xml", "javascript", "markdown", "csharp" })
        {
            var html = CodeHighlighter.Highlight("</code><script>alert(1)</script><img src=x onerror=alert(1)>", language);

            Assert.DoesNotContain("<script", html, StringComparison.OrdinalIgnoreCase);
            Assert.DoesNotContain("<img", html, StringComparison.OrdinalIgnoreCase);
            Assert.DoesNotContain("</code", html, StringComparison.OrdinalIgnoreCase);
        }
    }
}

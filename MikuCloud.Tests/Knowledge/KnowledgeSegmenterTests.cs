using MikuCloud.Api.Knowledge;

namespace MikuCloud.Tests.Knowledge;

/// <summary>The one segmentation the full-text index sees, for chunks and queries alike.</summary>
public class KnowledgeSegmenterTests
{
    [Fact]
    public void Chinese_is_cut_into_words_and_a_long_word_also_yields_the_words_inside_it()
    {
        var tokens = KnowledgeSegmenter.Tokens("知识库检索支持中文分词").ToList();

        Assert.Contains("知识库", tokens);
        Assert.Contains("知识", tokens); // search mode: a query for 知识 finds 知识库
        Assert.Contains("检索", tokens);
        Assert.Contains("分词", tokens);
        Assert.DoesNotContain(tokens, t => t.Length > 3);
    }

    [Fact]
    public void Punctuation_is_dropped_and_letters_are_lower_cased_with_full_width_forms_made_plain()
    {
        Assert.Equal("error e07 means the motor overheated 故障 代码", KnowledgeSegmenter.Segment("Error ＥＯ７".Replace("Ｏ", "０", StringComparison.Ordinal) + " means: the MOTOR overheated! 故障代码。"));
    }

    [Fact]
    public void Quotes_and_operators_a_query_might_carry_never_reach_the_index_syntax()
    {
        var segmented = KnowledgeSegmenter.Segment("\"tea\" OR NEAR(x) 'a' | b & !c -d *e ^f");

        Assert.Equal("tea or near x a b c d e f", segmented);
        Assert.All(KnowledgeSegmenter.Tokens("\"tea\" OR NEAR(x) 'a' | b"), t => Assert.True(t.All(char.IsLetterOrDigit), t));
    }

    [Fact]
    public void Empty_and_symbol_only_text_has_no_tokens() =>
        Assert.Equal(("", ""), (KnowledgeSegmenter.Segment(""), KnowledgeSegmenter.Segment("。！？——…  ")));
}

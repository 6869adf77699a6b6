namespace MikuCloud.Tests.Turns;

/// <summary>The one title rule (<see cref="ConversationTitle"/>) that names a conversation after its first message.</summary>
public class ConversationTitleTests
{
    [Fact]
    public void A_short_first_line_is_the_title_as_written()
    {
        Assert.Equal("部署笔记", ConversationTitle.From("  部署笔记  \n第二行不算"));
        Assert.Equal("hello", ConversationTitle.From("\n\n  hello\r\nworld"));
    }

    [Fact]
    public void A_long_line_keeps_forty_characters_and_an_ellipsis()
    {
        var line = string.Concat(Enumerable.Repeat("初音未来", 20)); // 80 CJK characters
        Assert.Equal(line[..40] + "…", ConversationTitle.From(line));
        Assert.Equal(new string('a', 40), ConversationTitle.From(new string('a', 40)));
        Assert.Equal(new string('a', 40) + "…", ConversationTitle.From(new string('a', 41)));
    }

    [Fact]
    public void Emoji_sequences_count_as_one_character_and_are_never_cut_in_half()
    {
        const string family = "👨‍👩‍👧‍👦"; // four people joined by ZWJ: 11 UTF-16 units, one character
        const string flag = "🇯🇵";
        var line = string.Concat(Enumerable.Repeat(family + flag, 25)); // 50 characters

        var title = ConversationTitle.From(line);

        Assert.EndsWith("…", title, StringComparison.Ordinal);
        var kept = title[..^1];
        Assert.StartsWith(kept, line, StringComparison.Ordinal);
        Assert.Equal(0, kept.Length % (family + flag).Length); // whole pairs only, no half family, no half flag
        Assert.True(new System.Globalization.StringInfo(kept).LengthInTextElements <= ConversationTitle.MaxTextElements);
    }

    [Fact]
    public void Forty_family_emoji_stop_early_so_the_title_fits_where_it_is_stored()
    {
        var line = string.Concat(Enumerable.Repeat("👨‍👩‍👧‍👦", 40));
        var title = ConversationTitle.From(line);
        Assert.True(title.Length <= ConversationTitle.MaxChars + 1, $"{title.Length} UTF-16 units");
        Assert.Equal(0, (title.Length - 1) % "👨‍👩‍👧‍👦".Length);
        Assert.EndsWith("…", title, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("")]
    [InlineData("   ")]
    [InlineData("\n\n")]
    [InlineData(null)]
    public void A_message_with_only_images_is_titled_image(string? content) =>
        Assert.Equal("图片 · Image", ConversationTitle.From(content));
}

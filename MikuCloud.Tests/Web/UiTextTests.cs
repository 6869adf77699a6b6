using System.Globalization;
using System.Text.RegularExpressions;
using MikuCloud.Web.Localization;

namespace MikuCloud.Tests.Web;

public partial class UiTextTests
{
    [Fact]
    public void Every_text_has_chinese_and_english_with_the_same_placeholders()
    {
        var original = CultureInfo.CurrentUICulture;
        try
        {
            foreach (var key in UiText.Keys)
            {
                CultureInfo.CurrentUICulture = CultureInfo.GetCultureInfo("zh-CN");
                var zh = UiText.Get(key);
                CultureInfo.CurrentUICulture = CultureInfo.GetCultureInfo("en");
                var en = UiText.Get(key);
                Assert.False(string.IsNullOrWhiteSpace(zh), key);
                Assert.False(string.IsNullOrWhiteSpace(en), key);
                Assert.Equal(Placeholders(zh), Placeholders(en));
            }
        }
        finally
        {
            CultureInfo.CurrentUICulture = original;
        }
    }

    [Theory]
    [InlineData("zh-CN", true)]
    [InlineData("zh-TW", true)]
    [InlineData("en-US", false)]
    [InlineData("de-DE", true)] // zh-CN first: anything that is not English
    public void Language_follows_the_ui_culture(string culture, bool chinese)
    {
        var original = CultureInfo.CurrentUICulture;
        try
        {
            CultureInfo.CurrentUICulture = CultureInfo.GetCultureInfo(culture);
            Assert.Equal(chinese, UiText.IsChinese);
            Assert.Equal(chinese ? "发送" : "Send", UiText.Get("input.send"));
        }
        finally
        {
            CultureInfo.CurrentUICulture = original;
        }
    }

    [Theory]
    [InlineData("en", "en")]
    [InlineData("EN-us", "en")]
    [InlineData("zh", "zh-CN")]
    [InlineData("zh-Hans", "zh-CN")]
    [InlineData("fr", null)]
    [InlineData("../../etc", null)]
    public void Language_switch_accepts_only_supported_cultures(string input, string? expected) =>
        Assert.Equal(expected, UiCultures.Normalize(input));

    private static List<string> Placeholders(string text) => [.. PlaceholderPattern().Matches(text).Select(m => m.Value).Order()];

    [GeneratedRegex(@"\{\d+\}")]
    private static partial Regex PlaceholderPattern();
}

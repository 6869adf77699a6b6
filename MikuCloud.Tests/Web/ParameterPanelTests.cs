using Bunit;
using MikuCloud.Web.Chat;
using MikuCloud.Web.Components.Chat;

namespace MikuCloud.Tests.Web;

public class ParameterPanelTests : WebComponentTest
{
    private readonly ConversationSettingsModel settings = new() { PresetId = "balanced" };
    private int changes;

    private IRenderedComponent<ParameterPanel> RenderPanel() =>
        Render<ParameterPanel>(p => p.Add(x => x.Settings, settings).Add(x => x.Presets, Presets).Add(x => x.ContextLength, 16384)
            .Add(x => x.OnChanged, (ConversationSettingsModel _) => changes++));

    [Fact]
    public void Empty_fields_show_the_presets_values_and_the_ranges()
    {
        var cut = RenderPanel();

        Assert.Equal("0.7", cut.Find("#param-temperature").GetAttribute("placeholder"));
        Assert.Equal("1024", cut.Find("#param-num_predict").GetAttribute("placeholder"));
        Assert.Equal("16384", cut.Find("#param-num_ctx").GetAttribute("placeholder")); // the model's, the preset leaves it
        Assert.Equal("未设置", cut.Find("#param-top_k").GetAttribute("placeholder"));
        Assert.Contains("范围 0 – 2", cut.Find("#param-temperature-help").TextContent);
        Assert.Contains("范围 512 – 262144", cut.Find("#param-num_ctx-help").TextContent);
        Assert.Equal(8, ConversationSettingsModel.Parameters.Count);
        Assert.NotNull(cut.Find("#param-system"));
    }

    [Fact]
    public void A_valid_value_becomes_an_override_and_can_be_reset()
    {
        var cut = RenderPanel();

        cut.Find("#param-temperature").Change("1.2");

        Assert.Equal(1.2, settings.Overrides["temperature"]);
        Assert.Equal("{\"temperature\":1.2}", settings.ToOptions().ToJsonString());
        Assert.Equal(1, changes);
        cut.Find(".field.overridden button.reset").Click();
        Assert.Empty(settings.Overrides);
        Assert.Equal(2, changes);
    }

    [Theory]
    [InlineData("temperature", "3", "temperature 必须在 0 到 2 之间")]
    [InlineData("top_p", "-0.1", "top_p 必须在 0 到 1 之间")]
    [InlineData("top_k", "2.5", "top_k 需要一个数字")]
    [InlineData("num_ctx", "100", "num_ctx 必须在 512 到 262144 之间")]
    [InlineData("presence_penalty", "abc", "presence_penalty 需要一个数字")]
    public void Out_of_range_values_are_explained_and_never_applied(string name, string value, string message)
    {
        var cut = RenderPanel();

        cut.Find($"#param-{name}").Change(value);

        Assert.Equal(message, cut.Find($"#param-{name}-help .error").TextContent);
        Assert.Equal("true", cut.Find($"#param-{name}").GetAttribute("aria-invalid"));
        Assert.Empty(settings.Overrides);
        Assert.Equal(0, changes);
    }

    [Fact]
    public void Integers_are_sent_as_integers_and_seed_accepts_negative_numbers()
    {
        var cut = RenderPanel();

        cut.Find("#param-num_predict").Change("2048");
        cut.Find("#param-seed").Change("-42");

        Assert.Equal("{\"num_predict\":2048,\"seed\":-42}", settings.ToOptions().ToJsonString());
    }

    [Fact]
    public void Reset_all_clears_overrides_and_the_system_prompt()
    {
        settings.Overrides["temperature"] = 1.5;
        var cut = RenderPanel();
        cut.Find("#param-system").Change("你是一位诗人");
        Assert.Equal("你是一位诗人", settings.SystemPrompt);

        cut.Find("footer button.secondary").Click();

        Assert.Empty(settings.Overrides);
        Assert.Null(settings.SystemPrompt);
    }

    [Fact]
    public void Escape_closes_the_panel()
    {
        var closed = false;
        var cut = Render<ParameterPanel>(p => p.Add(x => x.Settings, settings).Add(x => x.Presets, Presets).Add(x => x.OnClose, () => closed = true));

        cut.Find("aside").KeyDown("Escape");

        Assert.True(closed);
    }
}

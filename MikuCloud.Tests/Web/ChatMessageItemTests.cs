using Bunit;
using MikuCloud.Web.Components.Chat;
using MikuCloud.Web.Rendering;

namespace MikuCloud.Tests.Web;

/// <summary>One message: markdown, sanitising, grounding boxes, stats, status badges, throttled streaming.</summary>
public class ChatMessageItemTests : WebComponentTest
{
    [Fact]
    public void Assistant_markdown_is_rendered_and_script_from_the_answer_is_not()
    {
        var view = MessageView.FromDto(Dto("assistant",
            "**你好**！<script>window.__xss=1</script>\n\n<img src=x onerror=\"window.__xss=2\">\n\n[点我](javascript:window.__xss=3)"));

        var cut = Render<ChatMessageItem>(p => p.Add(x => x.Message, view));

        Assert.Equal("你好", cut.Find(".markdown strong").TextContent);
        SafeHtml.AssertSafe(cut.Find(".markdown").InnerHtml);
        Assert.Contains("<script>window.__xss=1</script>", cut.Find(".markdown").TextContent); // shown, harmlessly, as text
    }

    [Fact]
    public void User_text_is_plain_text_never_markup()
    {
        var view = MessageView.FromDto(Dto("user", "<b>not bold</b> **not markdown**"));

        var cut = Render<ChatMessageItem>(p => p.Add(x => x.Message, view));

        Assert.Equal("<b>not bold</b> **not markdown**", cut.Find(".user-text").TextContent);
        Assert.Empty(cut.FindAll(".user-text b"));
    }

    [Fact]
    public void Grounding_boxes_are_drawn_over_the_referenced_image_at_relative_positions()
    {
        var view = MessageView.FromDto(Dto("assistant", """
            找到了：
            ```json
            [{"bbox_2d": [100, 200, 500, 600], "label": "橘猫"}, {"bbox_2d": [600, 50, 900, 300], "label": "花瓶"}]
            ```
            """));
        var image = new ImageView("images/abc", "cat.jpg", 800, 600);

        var cut = Render<ChatMessageItem>(p => p.Add(x => x.Message, view).Add(x => x.GroundingImage, image));

        var boxes = cut.FindAll(".grounding .box");
        Assert.Equal(2, boxes.Count);
        Assert.Equal("橘猫", boxes[0].GetAttribute("data-label"));
        Assert.Equal("left:10%;top:20%;width:40%;height:40%", boxes[0].GetAttribute("style"));
        Assert.Equal("花瓶", boxes[1].QuerySelector(".label")!.TextContent);
        Assert.Equal("images/abc", cut.Find(".grounding img").GetAttribute("src"));
    }

    [Fact]
    public void Boxes_without_an_image_in_the_conversation_are_explained_not_drawn()
    {
        var view = MessageView.FromDto(Dto("assistant", "{\"bbox_2d\": [1, 2, 3, 4], \"label\": \"x\"}"));

        var cut = Render<ChatMessageItem>(p => p.Add(x => x.Message, view));

        Assert.Empty(cut.FindAll(".grounding"));
        Assert.Contains("没有可标注的图片", cut.Find(".grounding-missing").TextContent);
    }

    [Fact]
    public void Stats_show_time_to_first_token_speed_tokens_and_preset()
    {
        var view = MessageView.FromDto(Dto("assistant", "好的", usage: new UsageDto(120, 34), timings: new TimingsDto(350, 2100, 19.2, 800)));

        var cut = Render<ChatMessageItem>(p => p.Add(x => x.Message, view).Add(x => x.PresetTitle, "均衡"));

        var stats = cut.Find(".stats").TextContent;
        Assert.Contains("首字 350 ms", stats);
        Assert.Contains("19.2 tokens/s", stats);
        Assert.Contains("120 → 34 tokens", stats);
        Assert.Contains("均衡", stats);
    }

    [Theory]
    [InlineData("cancelled", "已停止")]
    [InlineData("failed", "生成失败")]
    [InlineData("truncated", "已达长度上限")]
    [InlineData("interrupted", "已中断")]
    public void Unfinished_answers_get_a_badge_and_a_retry(string status, string badge)
    {
        var view = MessageView.FromDto(Dto("assistant", "部分回答", status));
        MessageView? retried = null;

        var cut = Render<ChatMessageItem>(p => p.Add(x => x.Message, view).Add(x => x.IsLast, true)
            .Add(x => x.OnRetry, (MessageView m) => retried = m));

        Assert.Equal(badge, cut.Find(".badge").TextContent);
        cut.Find(".status-line button").Click();
        Assert.Same(view, retried);
    }

    [Fact]
    public void No_retry_or_regenerate_while_an_answer_is_streaming()
    {
        var view = MessageView.FromDto(Dto("assistant", "旧回答", "failed"));

        var cut = Render<ChatMessageItem>(p => p.Add(x => x.Message, view).Add(x => x.IsLast, true).Add(x => x.Busy, true));

        Assert.Empty(cut.FindAll(".status-line button"));
        Assert.DoesNotContain(cut.FindAll(".actions button"), b => b.GetAttribute("aria-label") == "重新生成");
    }

    [Fact]
    public void A_streaming_answer_shows_thinking_then_text_and_renders_at_a_bounded_rate()
    {
        var view = MessageView.StreamingAssistant("balanced");
        var cut = Render<ChatMessageItem>(p => p.Add(x => x.Message, view));
        Assert.NotNull(cut.Find(".thinking"));
        var rendersBefore = cut.RenderCount;

        for (var i = 0; i < 200; i++)
        {
            view.Append("字");
        }

        cut.WaitForAssertion(() => Assert.Equal(new string('字', 200), cut.Find(".markdown p").TextContent));
        // 200 deltas in a burst: a handful of renders, not 200.
        Assert.InRange(cut.RenderCount - rendersBefore, 1, 5);
        Assert.NotNull(cut.Find(".caret"));
    }

    [Fact]
    public void The_last_user_message_offers_edit_and_copy()
    {
        var view = MessageView.FromDto(Dto("user", "原来的问题"));
        MessageView? edited = null;

        var cut = Render<ChatMessageItem>(p => p.Add(x => x.Message, view).Add(x => x.CanEdit, true).Add(x => x.OnEdit, (MessageView m) => edited = m));
        cut.Find("button[aria-label='编辑并重新发送']").Click();

        Assert.Same(view, edited);
        cut.Find("button[aria-label='复制']").Click();
        Assert.Contains(JSInterop.Invocations, i => i.Identifier == "miku.copyText" && (string)i.Arguments[0]! == "原来的问题");
    }

    [Fact]
    public void A_message_with_alternatives_shows_its_place_and_steps_to_the_others()
    {
        var ids = new[] { Guid.NewGuid(), Guid.NewGuid(), Guid.NewGuid() };
        var view = MessageView.FromDto(Dto("assistant", "第二个回答") with { Id = ids[1], Siblings = new SiblingsDto(2, 3, ids) });
        var steps = new List<int>();

        var cut = Render<ChatMessageItem>(p => p.Add(x => x.Message, view).Add(x => x.OnSwitch, (int step) => steps.Add(step)));

        Assert.Equal("2/3", cut.Find("[data-testid=branch-position]").TextContent);
        cut.Find("button[aria-label='上一个版本']").Click();
        cut.Find("button[aria-label='下一个版本']").Click();
        Assert.Equal([-1, 1], steps);
        // An only answer has no switcher.
        var single = Render<ChatMessageItem>(p => p.Add(x => x.Message, MessageView.FromDto(Dto("assistant", "唯一") with { Siblings = new SiblingsDto(1, 1, [Guid.NewGuid()]) })));
        Assert.Empty(single.FindAll("[data-testid=branch-switcher]"));
    }

    [Fact]
    public void A_question_edited_in_place_sends_the_new_text()
    {
        var view = MessageView.FromDto(Dto("user", "原来的问题"));
        string? sent = null;

        var cut = Render<ChatMessageItem>(p => p.Add(x => x.Message, view).Add(x => x.CanEdit, true).Add(x => x.Editing, true)
            .Add(x => x.OnEditSend, (string text) => sent = text));
        cut.Find("textarea").Input("改过的问题");
        cut.Find("form").Submit();

        Assert.Equal("改过的问题", sent);
    }

    [Theory]
    [InlineData("truncated", true)]
    [InlineData("cancelled", true)]
    [InlineData("interrupted", true)]
    [InlineData("complete", false)]
    [InlineData("failed", false)]
    public void Only_a_cut_off_or_stopped_last_answer_offers_continue(string status, bool offered)
    {
        var view = MessageView.FromDto(Dto("assistant", "床前明月光，", status));
        MessageView? continued = null;

        var cut = Render<ChatMessageItem>(p => p.Add(x => x.Message, view).Add(x => x.IsLast, true).Add(x => x.OnContinue, (MessageView m) => continued = m));

        Assert.Equal(offered, cut.FindAll("[data-testid=continue]").Count == 1);
        if (offered)
        {
            cut.Find("[data-testid=continue]").Click();
            Assert.Same(view, continued);
        }
    }

    [Fact]
    public void Images_in_history_open_larger_on_click()
    {
        var image = Image();
        var view = MessageView.FromDto(Dto("user", "看看这张图", images: [image]));
        ImageView? opened = null;

        var cut = Render<ChatMessageItem>(p => p.Add(x => x.Message, view).Add(x => x.OnOpenImage, (ImageView i) => opened = i));
        Assert.Equal($"images/{image.Id}", cut.Find(".image-thumb img").GetAttribute("src"));
        cut.Find(".image-thumb").Click();

        Assert.Equal($"images/{image.Id}", opened!.Url);
        Assert.Equal(800, opened.Width);
    }
}

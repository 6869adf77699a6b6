using Bunit;
using MikuCloud.Web.Components.Chat;
using MikuCloud.Web.Rendering;

namespace MikuCloud.Tests.Web;

public class ChatMessageListTests : WebComponentTest
{
    [Fact]
    public void An_empty_chat_suggests_the_MikuChat_test_prompts()
    {
        SuggestedPrompt? picked = null;
        var cut = Render<ChatMessageList>(p => p.Add(x => x.Messages, []).Add(x => x.OnSuggestion, (SuggestedPrompt s) => picked = s));

        var buttons = cut.FindAll(".suggestion");
        Assert.Equal(9, buttons.Count);
        Assert.Contains(buttons, b => b.TextContent == "用古诗词的风格描述一下人工智能");
        Assert.Equal(3, cut.FindAll(".suggestion[data-needs-image='true']").Count);

        cut.FindAll(".suggestion").First(b => b.TextContent.StartsWith("如果今天是星期三", StringComparison.Ordinal)).Click();
        Assert.Equal(new SuggestedPrompt("如果今天是星期三，100天后是星期几？", false), picked);
    }

    [Fact]
    public void Suggestions_follow_the_ui_language()
    {
        UseEnglish();
        var cut = Render<ChatMessageList>(p => p.Add(x => x.Messages, []));

        Assert.Contains(cut.FindAll(".suggestion"), b => b.TextContent == "Compare machine learning and deep learning");
        Assert.Equal("Hi, I'm Miku!", cut.Find("h1").TextContent);
    }

    [Fact]
    public void Messages_render_in_order_with_actions_only_where_they_apply()
    {
        var image = Image();
        List<MessageView> messages =
        [
            MessageView.FromDto(Dto("user", "第一问")),
            MessageView.FromDto(Dto("assistant", "第一答")),
            MessageView.FromDto(Dto("user", "找出猫", images: [image])),
            MessageView.FromDto(Dto("assistant", "[{\"bbox_2d\": [0, 0, 500, 500], \"label\": \"猫\"}]")),
        ];

        var cut = Render<ChatMessageList>(p => p.Add(x => x.Messages, messages));

        var articles = cut.FindAll("article.message");
        Assert.Equal(["user", "assistant", "user", "assistant"], articles.Select(a => a.ClassList.Contains("user") ? "user" : "assistant"));
        // Regenerate only on the last answer; edit on every question (issue 19: editing an earlier one starts a branch).
        Assert.Single(cut.FindAll("button[aria-label='重新生成']"));
        Assert.Null(articles[1].QuerySelector("button[aria-label='重新生成']"));
        Assert.NotNull(articles[3].QuerySelector("button[aria-label='重新生成']"));
        Assert.Equal(2, cut.FindAll("button[aria-label='编辑并重新发送']").Count);
        Assert.NotNull(articles[0].QuerySelector("button[aria-label='编辑并重新发送']"));
        Assert.NotNull(articles[2].QuerySelector("button[aria-label='编辑并重新发送']"));
        // The boxes are drawn over the question's picture.
        Assert.Equal($"images/{image.Id}", articles[3].QuerySelector(".grounding img")!.GetAttribute("src"));
    }

    [Fact]
    public void Older_messages_can_be_loaded()
    {
        var loaded = false;
        var cut = Render<ChatMessageList>(p => p.Add(x => x.Messages, [MessageView.FromDto(Dto("user", "hi"))]).Add(x => x.HasEarlier, true)
            .Add(x => x.OnLoadEarlier, () => loaded = true));

        cut.Find(".earlier button").Click();

        Assert.True(loaded);
    }

    [Fact]
    public void The_list_attaches_auto_scroll_on_first_render()
    {
        Render<ChatMessageList>(p => p.Add(x => x.Messages, []));

        Assert.Contains(JSInterop.Invocations, i => i.Identifier == "miku.attachScroller");
    }
}

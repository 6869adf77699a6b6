using Bunit;
using MikuCloud.Web.Components.Chat;

namespace MikuCloud.Tests.Web;

public class SidebarAndBannerTests : WebComponentTest
{
    private ConversationDto Add(string title, TimeSpan age)
    {
        var at = Time.GetUtcNow().UtcDateTime - age;
        var c = new ConversationDto(Guid.NewGuid(), title, "balanced", null, null, at, at);
        Api.Conversations.Add(c);
        return c;
    }

    [Fact]
    public void Conversations_are_grouped_by_date_newest_first()
    {
        Add("今天的", TimeSpan.FromMinutes(5));
        Add("上周的", TimeSpan.FromDays(5));
        Add("很久以前的", TimeSpan.FromDays(90));

        var cut = Render<ConversationSidebar>();

        Assert.Equal(["今天", "过去 7 天", "更早"], cut.FindAll("h2.group").Select(h => h.TextContent));
        Assert.Equal(["今天的", "上周的", "很久以前的"], cut.FindAll("a.link").Select(a => a.TextContent));
    }

    [Fact]
    public void Search_asks_the_api_after_typing_pauses()
    {
        Add("三体读后感", TimeSpan.FromMinutes(1));
        Add("猫的照片", TimeSpan.FromMinutes(2));
        var cut = Render<ConversationSidebar>();

        cut.Find("#conversation-search").Input("三体");

        cut.WaitForAssertion(() => Assert.Equal(["三体读后感"], cut.FindAll("a.link").Select(a => a.TextContent)));
        Assert.Contains("三体", Api.Queries);
    }

    [Fact]
    public void Rename_saves_only_the_title()
    {
        var c = Add("旧标题", TimeSpan.FromMinutes(1));
        var cut = Render<ConversationSidebar>(p => p.Add(x => x.ActiveId, c.Id));

        cut.Find($"button[aria-label='重命名: 旧标题']").Click();
        cut.Find($"#rename-{c.Id}").Change("新标题");
        cut.Find("form.rename").Submit();

        var (id, request) = Assert.Single(Api.Updates);
        Assert.Equal(c.Id, id);
        Assert.Equal(new UpdateConversationRequest(Title: "新标题"), request);
        Assert.Equal("新标题", cut.Find("a.link").TextContent);
    }

    [Fact]
    public void Delete_asks_first_and_can_be_cancelled()
    {
        var c = Add("要删除的", TimeSpan.FromMinutes(1));
        Guid? deleted = null;
        var cut = Render<ConversationSidebar>(p => p.Add(x => x.OnDeleted, (Guid id) => deleted = id));

        cut.Find("button[aria-label='删除: 要删除的']").Click();
        Assert.Contains("确定删除“要删除的”吗？", cut.Find(".confirm").TextContent);
        cut.Find(".confirm .plain").Click();
        Assert.Empty(Api.Deleted);

        cut.Find("button[aria-label='删除: 要删除的']").Click();
        cut.Find(".confirm .danger").Click();

        Assert.Equal([c.Id], Api.Deleted);
        Assert.Equal(c.Id, deleted);
        Assert.Empty(cut.FindAll("a.link"));
    }

    [Theory]
    [InlineData("missing", "模型正在下载或准备中")]
    [InlineData("unavailable", "模型服务暂时不可用")]
    public void Model_states_are_explained(string status, string text)
    {
        var cut = Render<StatusBanner>(p => p.Add(x => x.Model, new HouseModelDto("miku-vl", "qwen3-vl", 16384, status, null)));

        Assert.Contains(text, cut.Find("[data-testid=model-state]").TextContent);
    }

    [Fact]
    public void A_ready_model_shows_no_banner_and_an_unreachable_api_does()
    {
        var ready = Render<StatusBanner>(p => p.Add(x => x.Model, new HouseModelDto("miku-vl", "qwen3-vl", 16384, "ready", null)));
        Assert.Empty(ready.FindAll(".banner"));

        var down = Render<StatusBanner>(p => p.Add(x => x.ApiUnreachable, true));
        Assert.Contains("你输入的内容已保留", down.Find(".banner").TextContent);
    }

    [Fact]
    public void Notices_offer_retry_and_dismiss()
    {
        var retried = false;
        var dismissed = false;
        var cut = Render<StatusBanner>(p => p.Add(x => x.Notice, new ChatNotice(NoticeKind.Busy, "Miku 正在忙", CanRetry: true, TestId: "busy"))
            .Add(x => x.OnRetry, () => retried = true).Add(x => x.OnDismiss, () => dismissed = true));

        cut.Find("[data-testid=busy] .action").Click();
        cut.Find("[data-testid=busy] .dismiss").Click();

        Assert.True(retried);
        Assert.True(dismissed);
        Assert.Equal("alert", cut.Find("[data-testid=busy]").GetAttribute("role"));
    }
}

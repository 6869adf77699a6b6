using Bunit;
using MikuCloud.Web.Api;
using MikuCloud.Web.Components.Knowledge;
using ChatPage = MikuCloud.Web.Components.Pages.Chat;

namespace MikuCloud.Tests.Web.Knowledge;

/// <summary>
/// Knowledge in the chat page: the composer's switch saves the conversation's base (or sends it with a new chat's first
/// message), an answer's citations arrive before its words and list the sources, and a source opens its passage.
/// </summary>
public sealed class ChatCitationTests : WebComponentTest
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(5);

    private readonly KnowledgeBaseDto manuals = FakeMikuKnowledgeApi.Base("产品手册", documents: 3, ready: 3);
    private readonly KnowledgeBaseDto policies = FakeMikuKnowledgeApi.Base("公司制度", shared: true, mine: false, documents: 1, ready: 1);

    public ChatCitationTests()
    {
        KnowledgeApi.Bases.AddRange([manuals, policies]);
    }

    private static CitationDto Citation(int number, Guid documentId, string document, int page, string snippet, string? image = null) =>
        new(number, number, documentId, Guid.NewGuid(), document, page, "保修", snippet, image);

    [Fact]
    public async Task A_new_chat_with_knowledge_on_sends_the_base_with_its_first_message()
    {
        Api.Chat = m => ChatPageTests.Stream(new UserMessageSaved(Dto("user", m.Content)), new AnswerDone(Dto("assistant", "好的。")));
        var cut = Render<ChatPage>();

        cut.Find("[data-testid=knowledge-toggle]").Click();
        Assert.Equal("true", cut.Find("[data-testid=knowledge-toggle]").GetAttribute("aria-pressed"));
        Assert.Equal("产品手册", cut.Find("[data-testid=knowledge-picker] .value").TextContent);
        cut.Find("[data-testid=knowledge-picker] .trigger").Click();
        cut.Find($"[data-choice='{policies.Id}'] input").Change(policies.Id.ToString());
        cut.Find("textarea").Input("保修多久？");
        await cut.Find("form.chat-input").SubmitAsync();

        cut.WaitForAssertion(() => Assert.Equal([policies.Id], Api.Sent.Single().KnowledgeBaseIds), Patience);
        Assert.Empty(Api.Updates); // a new chat has nothing to PATCH: the base travels with the first message
    }

    [Fact]
    public void Turning_knowledge_on_and_off_in_a_saved_conversation_stores_it_at_once()
    {
        var conversation = new ConversationDto(Guid.NewGuid(), "保修", "balanced", null, null, DateTime.UtcNow, DateTime.UtcNow);
        Api.Conversations.Add(conversation);
        var cut = Render<ChatPage>(p => p.Add(x => x.ConversationId, conversation.Id));

        cut.Find("[data-testid=knowledge-toggle]").Click();
        cut.Find("[data-testid=knowledge-toggle]").Click();

        Assert.Equal([[manuals.Id], []], Api.Updates.Select(u => u.Request.KnowledgeBaseIds!.ToArray()));
        Assert.All(Api.Updates, u => Assert.Null(u.Request.Options)); // the switch changes the bases only
        Assert.Empty(cut.FindAll("[data-testid=knowledge-picker]"));
    }

    [Fact]
    public void A_conversation_that_answers_from_a_base_opens_with_the_switch_on()
    {
        var conversation = new ConversationDto(Guid.NewGuid(), "制度", "balanced", null, null, DateTime.UtcNow, DateTime.UtcNow, KnowledgeBaseIds: [policies.Id]);
        Api.Conversations.Add(conversation);

        var cut = Render<ChatPage>(p => p.Add(x => x.ConversationId, conversation.Id));

        cut.WaitForAssertion(() => Assert.Equal("公司制度", cut.Find("[data-testid=knowledge-picker] .value").TextContent), Patience);
        Assert.Equal("true", cut.Find("[data-testid=knowledge-toggle]").GetAttribute("aria-pressed"));
    }

    [Fact]
    public void Without_any_base_the_switch_is_not_shown()
    {
        KnowledgeApi.Bases.Clear();

        var cut = Render<ChatPage>();

        Assert.Empty(cut.FindAll("[data-testid=knowledge-switch]"));
    }

    [Fact]
    public async Task Streamed_citations_become_chips_and_sources_and_a_source_opens_its_page_with_the_passage_marked()
    {
        var document = Guid.NewGuid();
        KnowledgeApi.Pages[(document, 7)] = new KnowledgePageDto(document, "手册.pdf", 7, 40, "text",
            "第七章 保修\n整机保修两年，电池保修一年。<b>不是 HTML</b>", null);
        var citation = Citation(1, document, "手册.pdf", 7, "整机保修两年，电池保修一年。");
        Api.Chat = m => ChatPageTests.Stream(new UserMessageSaved(Dto("user", m.Content)), new CitationsGiven([citation]),
            new AnswerDelta("整机保修两年 [1]。"), new AnswerDone(Dto("assistant", "整机保修两年 [1]。")));
        var cut = Render<ChatPage>();
        cut.Find("textarea").Input("保修多久？");
        await cut.Find("form.chat-input").SubmitAsync();

        cut.WaitForAssertion(() => Assert.Equal("1", cut.Find("article.message.assistant .markdown button.cite").TextContent), Patience);
        var source = cut.Find("article.message.assistant [data-testid=citation-sources] button[data-source='1']");
        Assert.Contains("手册.pdf", source.TextContent, StringComparison.Ordinal);
        Assert.Contains("第 7 页 · 保修", source.TextContent, StringComparison.Ordinal);

        await source.ClickAsync(new());

        cut.WaitForAssertion(() => Assert.Equal("手册.pdf · 第 7/40 页", cut.Find("#passage-title").TextContent), Patience);
        var text = cut.Find("[data-testid=passage-text]");
        Assert.Equal("整机保修两年，电池保修一年。", text.QuerySelector("mark")!.TextContent);
        Assert.Contains("<b>不是 HTML</b>", text.TextContent, StringComparison.Ordinal); // page text is data: shown, never parsed
        Assert.Empty(text.QuerySelectorAll("b"));
        Assert.Empty(cut.FindAll(".passage img")); // a text page has no image
    }

    [Fact]
    public void A_scanned_page_opens_with_its_image_and_what_the_vision_model_read()
    {
        var document = Guid.NewGuid();
        KnowledgeApi.Pages[(document, 3)] = new KnowledgePageDto(document, "扫描件.pdf", 3, 5, "ocr", "发票金额 ¥1,280",
            $"/api/knowledge/documents/{document}/pages/3/image");
        var citation = Citation(2, document, "扫描件.pdf", 3, "发票金额 ¥1,280", $"/api/knowledge/documents/{document}/pages/3/image");

        var dialog = Render<PassageDialog>(p => p.Add(x => x.Citation, citation));

        Assert.Equal($"knowledge/documents/{document}/pages/3/image", dialog.Find(".passage img").GetAttribute("src"));
        Assert.Equal("视觉模型识别的扫描页", dialog.Find(".source").TextContent);
        Assert.Equal("发票金额 ¥1,280", dialog.Find("mark").TextContent);
    }

    [Fact]
    public void A_page_that_is_gone_says_so_and_still_shows_the_cited_snippet()
    {
        var citation = Citation(1, Guid.NewGuid(), "已删除.pdf", 2, "这段话还在引用里。");

        var dialog = Render<PassageDialog>(p => p.Add(x => x.Citation, citation));

        Assert.Contains("这一页已不存在", dialog.Find("[role=alert]").TextContent, StringComparison.Ordinal);
        Assert.Equal("这段话还在引用里。", dialog.Find("blockquote.snippet").TextContent);
    }

    [Fact]
    public void Saved_answers_keep_their_sources()
    {
        var conversation = new ConversationDto(Guid.NewGuid(), "保修", "balanced", null, null, DateTime.UtcNow, DateTime.UtcNow);
        Api.Conversations.Add(conversation);
        var answer = Dto("assistant", "见 [1]。") with { Citations = [Citation(1, Guid.NewGuid(), "手册.pdf", 9, "保修条款")] };
        Api.Messages[conversation.Id] = [Dto("user", "保修？"), answer];

        var cut = Render<ChatPage>(p => p.Add(x => x.ConversationId, conversation.Id));

        cut.WaitForAssertion(() => Assert.Equal("1", cut.Find("article.message.assistant button.cite").TextContent), Patience);
        Assert.Contains("手册.pdf", cut.Find("[data-testid=citation-sources]").TextContent, StringComparison.Ordinal);
    }
}

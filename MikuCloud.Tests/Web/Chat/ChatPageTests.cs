using System.Net;
using System.Runtime.CompilerServices;
using AngleSharp.Dom;
using Bunit;
using Microsoft.AspNetCore.Components;
using Microsoft.Extensions.DependencyInjection;
using MikuCloud.Web.Api;
using ChatPage = MikuCloud.Web.Components.Pages.Chat;

namespace MikuCloud.Tests.Web;

/// <summary>
/// The whole chat page against a scripted API: what the user sees and which calls reach the API for a first message,
/// the next one, a refusal and its retry, regenerate, earlier messages and a conversation that is gone.
/// </summary>
public class ChatPageTests : WebComponentTest
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(5);

    [Fact]
    public async Task A_new_chats_first_message_is_one_call_that_creates_the_conversation_and_answers()
    {
        Api.Chat = m => Stream(new UserMessageSaved(Dto("user", m.Content)), new AnswerDelta("你好，"), new AnswerDone(Dto("assistant", "你好，我是 Miku。")));
        var cut = Render<ChatPage>();

        await SendAsync(cut, "你好\n第二行");

        cut.WaitForAssertion(() => Assert.Contains("你好，我是 Miku。", LastAnswer(cut).TextContent), Patience);
        Assert.Equal(["start"], ChatCalls());
        var created = Assert.Single(Api.Conversations);
        Assert.Equal("你好", created.Title); // named by the API: the page sent no title of its own
        Assert.EndsWith($"/c/{created.Id}", Services.GetRequiredService<NavigationManager>().Uri);
        cut.WaitForAssertion(() => Assert.Contains(cut.FindAll("nav.sidebar a.link"), a => a.GetAttribute("href") == $"c/{created.Id}"), Patience);
        Assert.Equal("", cut.Find("textarea").GetAttribute("value") ?? "");
    }

    [Fact]
    public async Task The_next_message_goes_to_the_open_conversation()
    {
        var conversation = Stored(Dto("user", "早上好"), Dto("assistant", "早上好呀！"));
        Api.Chat = m => Stream(new UserMessageSaved(Dto("user", m.Content)), new AnswerDone(Dto("assistant", "今天天气不错。")));
        var cut = Render<ChatPage>(p => p.Add(x => x.ConversationId, conversation.Id));
        cut.WaitForAssertion(() => Assert.Equal(2, cut.FindAll("article.message").Count), Patience);

        await SendAsync(cut, "天气怎么样？");

        cut.WaitForAssertion(() => Assert.Contains("今天天气不错。", LastAnswer(cut).TextContent), Patience);
        Assert.Equal(4, cut.FindAll("article.message").Count);
        Assert.Equal([$"send {conversation.Id}"], ChatCalls());
    }

    [Fact]
    public async Task A_refused_send_is_kept_by_the_session_and_retry_sends_it_from_there_keeping_what_was_typed_since()
    {
        var calls = 0;
        Api.Chat = m => ++calls == 1
            ? Refuse(new ApiException(HttpStatusCode.ServiceUnavailable, Problem(503, "model_unavailable"), null))
            : Stream(new UserMessageSaved(Dto("user", m.Content)), new AnswerDone(Dto("assistant", "收到。")));
        var cut = Render<ChatPage>();

        await SendAsync(cut, "第一句话");

        cut.WaitForAssertion(() => Assert.Equal("模型暂时不可用，你的消息已保留，稍后再试。", cut.Find("[data-testid=unavailable] .text").TextContent), Patience);
        Assert.Equal("第一句话", cut.Find("textarea").GetAttribute("value")); // nothing typed is lost
        Assert.Empty(cut.FindAll("article.message"));
        Assert.Empty(Api.Conversations); // refused before the stream: nothing was created

        cut.Find("textarea").Input("第一句话\n还没发的下一句");
        await cut.Find("[data-testid=unavailable] button.action").ClickAsync(new());

        cut.WaitForAssertion(() => Assert.Contains("收到。", LastAnswer(cut).TextContent), Patience);
        Assert.Equal(["第一句话", "第一句话"], Api.Sent.Select(m => m.Content));
        Assert.Equal("还没发的下一句", cut.Find("textarea").GetAttribute("value"));
        Assert.Single(Api.Conversations);
    }

    [Fact]
    public async Task When_busy_the_page_counts_down_and_resends_the_kept_message_by_itself()
    {
        var calls = 0;
        Api.Chat = m => ++calls == 1
            ? Refuse(new ApiException(HttpStatusCode.TooManyRequests, Problem(429, "busy"), TimeSpan.FromSeconds(1)))
            : Stream(new UserMessageSaved(Dto("user", m.Content)), new AnswerDone(Dto("assistant", "终于轮到你了")));
        var cut = Render<ChatPage>();

        await SendAsync(cut, "你好，在吗？");

        cut.WaitForAssertion(() => Assert.Contains("1 秒后自动重试", cut.Find("[data-testid=busy]").TextContent), Patience);
        Assert.Equal("你好，在吗？", cut.Find("textarea").GetAttribute("value"));
        cut.WaitForAssertion(() => Assert.Contains("终于轮到你了", LastAnswer(cut).TextContent), Patience);
        Assert.Empty(cut.FindAll("[data-testid=busy]"));
        Assert.Equal("", cut.Find("textarea").GetAttribute("value") ?? "");
        Assert.Equal(["start", "start"], ChatCalls());
    }

    [Fact]
    public async Task When_the_model_refuses_after_the_question_was_saved_the_question_stays_and_retry_regenerates()
    {
        var questionId = Guid.NewGuid();
        Api.Chat = m =>
        {
            // The API saved the question in a new conversation, then the model server was unreachable.
            var created = new ConversationDto(Guid.NewGuid(), m.Content, "balanced", null, null, DateTime.UtcNow, DateTime.UtcNow);
            Api.Conversations.Add(created);
            return Refuse(new ApiException(HttpStatusCode.ServiceUnavailable, Problem(503, "model_unavailable") with { MessageId = questionId, ConversationId = created.Id }, null));
        };
        Api.Regenerate = _ => Stream(new AnswerDone(Dto("assistant", "我回来了。")));
        var cut = Render<ChatPage>();

        await SendAsync(cut, "用古诗词的风格描述一下人工智能");

        cut.WaitForAssertion(() => Assert.Contains("你的消息已保存", cut.Find("[data-testid=unavailable]").TextContent), Patience);
        Assert.Equal("用古诗词的风格描述一下人工智能", cut.Find("article.message.user .user-text").TextContent);
        var conversation = Assert.Single(Api.Conversations);
        Assert.EndsWith($"/c/{conversation.Id}", Services.GetRequiredService<NavigationManager>().Uri);

        await cut.Find("[data-testid=unavailable] button.action").ClickAsync(new());

        cut.WaitForAssertion(() => Assert.Contains("我回来了。", LastAnswer(cut).TextContent), Patience);
        Assert.Contains($"regenerate {conversation.Id} {questionId}", ChatCalls());
        Assert.Equal(2, cut.FindAll("article.message").Count);
    }

    [Fact]
    public async Task Regenerate_replaces_the_answer_in_place()
    {
        var answer = Dto("assistant", "旧的回答");
        var conversation = Stored(Dto("user", "讲个笑话"), answer);
        Api.Regenerate = _ => Stream(new AnswerDelta("新的"), new AnswerDone(Dto("assistant", "新的回答")));
        var cut = Render<ChatPage>(p => p.Add(x => x.ConversationId, conversation.Id));
        cut.WaitForAssertion(() => Assert.Equal(2, cut.FindAll("article.message").Count), Patience);

        await cut.Find("button[aria-label='重新生成']").ClickAsync(new());

        cut.WaitForAssertion(() => Assert.Contains("新的回答", LastAnswer(cut).TextContent), Patience);
        Assert.Equal(2, cut.FindAll("article.message").Count);
        Assert.Equal([$"regenerate {conversation.Id} {answer.Id}"], ChatCalls());
    }

    [Fact]
    public async Task Earlier_messages_are_loaded_on_request_above_the_newest_page()
    {
        var conversation = Stored([.. Enumerable.Range(1, 60).Select(i => Dto(i % 2 == 1 ? "user" : "assistant", $"第 {i} 条"))]);
        var cut = Render<ChatPage>(p => p.Add(x => x.ConversationId, conversation.Id));
        cut.WaitForAssertion(() => Assert.Equal(50, cut.FindAll("article.message").Count), Patience);
        Assert.Contains("第 11 条", cut.FindAll("article.message")[0].TextContent);

        await cut.Find(".earlier button").ClickAsync(new());

        cut.WaitForAssertion(() => Assert.Equal(60, cut.FindAll("article.message").Count), Patience);
        Assert.Contains("第 1 条", cut.FindAll("article.message")[0].TextContent);
        Assert.Contains($"messages {conversation.Id} 10", Api.Calls);
        Assert.Empty(cut.FindAll(".earlier button"));
    }

    [Fact]
    public async Task Edit_puts_the_question_back_for_editing_in_place()
    {
        // Issue 19: a question is edited where it stands (any question, not only the last, through the composer).
        var conversation = Stored(Dto("user", "一个房间有4个角"), Dto("assistant", "4只猫。"));
        var cut = Render<ChatPage>(p => p.Add(x => x.ConversationId, conversation.Id));
        cut.WaitForAssertion(() => Assert.Equal(2, cut.FindAll("article.message").Count), Patience);

        await cut.Find("button[aria-label='编辑并重新发送']").ClickAsync(new());

        var editor = cut.Find("article.message.user [data-testid=question-editor]");
        Assert.Equal("一个房间有4个角", editor.QuerySelector("textarea")!.GetAttribute("value"));
        Assert.Empty(ChatCalls()); // nothing is sent until the user sends it
    }

    [Fact]
    public void A_conversation_deleted_elsewhere_says_it_cannot_be_found()
    {
        var cut = Render<ChatPage>(p => p.Add(x => x.ConversationId, Guid.NewGuid()));

        cut.WaitForAssertion(() => Assert.Equal("找不到这个对话。", cut.Find("[data-testid=not-found] .text").TextContent), Patience);
        Assert.Empty(cut.FindAll("article.message"));
    }

    private ConversationDto Stored(params MessageDto[] messages)
    {
        var conversation = new ConversationDto(Guid.NewGuid(), "存着的对话", "balanced", null, null, DateTime.UtcNow, DateTime.UtcNow);
        Api.Conversations.Add(conversation);
        Api.Messages[conversation.Id] = [.. messages];
        return conversation;
    }

    private string[] ChatCalls() => [.. Api.Calls.Where(c => !c.StartsWith("messages", StringComparison.Ordinal))];

    private static IElement LastAnswer(IRenderedComponent<ChatPage> cut) => cut.FindAll("article.message").Last(a => !a.ClassList.Contains("user"));

    private static async Task SendAsync(IRenderedComponent<ChatPage> cut, string text)
    {
        cut.Find("textarea").Input(text);
        await cut.Find("form").SubmitAsync();
    }

    private static ProblemDto Problem(int status, string code) => new(null, code, status, null, null, code);

    /// <summary>The scripted answer, one event at a time as if over the wire.</summary>
    internal static async IAsyncEnumerable<ChatEvent> Stream(params ChatEvent[] events)
    {
        foreach (var chatEvent in events)
        {
            await Task.Yield();
            yield return chatEvent;
        }
    }

    /// <summary>A refusal before the stream starts, as the API client throws it.</summary>
    internal static async IAsyncEnumerable<ChatEvent> Refuse(Exception refusal, [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        await Task.Yield();
        throw refusal;
#pragma warning disable CS0162 // an iterator needs a yield to be one
        yield break;
#pragma warning restore CS0162
    }
}

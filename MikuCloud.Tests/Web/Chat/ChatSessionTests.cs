using System.Net;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Abstractions;
using MikuCloud.Web.Api;
using MikuCloud.Web.Auth;
using MikuCloud.Web.Chat;
using MikuCloud.Web.Components.Chat;
using MikuCloud.Web.Localization;
using MikuCloud.Web.Uploads;
using static MikuCloud.Tests.Web.ChatPageTests;

namespace MikuCloud.Tests.Web;

/// <summary>
/// The chat session without a page: its retry buffer, the one way it runs answers, and following an answer that
/// is written elsewhere.
/// </summary>
public class ChatSessionTests : WebComponentTest
{
    private readonly RecordingSurface surface = new();
    private readonly ChatNotices notices;
    private readonly ChatSession session;

    public ChatSessionTests()
    {
        var text = Services.GetRequiredService<UiText>();
        notices = new ChatNotices(text, work => work());
        var models = new ModelStatusWatcher(Api);
        session = new ChatSession(Api, text, new SubmissionUploads(Services.GetRequiredService<UploadStore>(), Services.GetRequiredService<CurrentUser>()),
            notices, models, surface, NullLogger<ChatSession>.Instance);
    }

    [Fact]
    public async Task A_refused_send_is_kept_handed_back_to_the_composer_and_retry_sends_the_kept_copy()
    {
        var calls = 0;
        Api.Chat = m => ++calls == 1
            ? Refuse(new ApiException(HttpStatusCode.RequestEntityTooLarge, null, null))
            : Stream(new UserMessageSaved(Dto("user", m.Content)), new AnswerDone(Dto("assistant", "好的")));
        var submission = new ChatSubmission("一段很长的话", []);

        await session.SendAsync(submission);

        Assert.Same(submission, session.Kept);
        Assert.Same(submission, Assert.Single(surface.HandedBack));
        Assert.Empty(session.State.Messages); // the optimistic bubbles are gone
        Assert.Equal("消息或图片太大，服务拒绝了它。", notices.Current?.Text);

        await session.RetryAsync();

        Assert.Same(submission, Assert.Single(surface.Withdrawn));
        Assert.Equal(["一段很长的话", "一段很长的话"], Api.Sent.Select(m => m.Content));
        Assert.Null(session.Kept);
        Assert.Equal(["一段很长的话", "好的"], session.State.Messages.Select(m => m.Content));
    }

    [Fact]
    public async Task A_new_send_replaces_the_kept_one_and_another_conversation_forgets_it()
    {
        Api.Chat = _ => Refuse(new HttpRequestException("connection refused"));
        await session.SendAsync(new ChatSubmission("第一句", []));
        Assert.Equal("暂时无法连接到 MikuCloud 服务。你输入的内容已保留，稍后再试。", notices.Current?.Text);

        await session.SendAsync(new ChatSubmission("第二句", []));
        Assert.Equal("第二句", session.Kept?.Text);

        var other = new ConversationDto(Guid.NewGuid(), "别的对话", "balanced", null, null, DateTime.UtcNow, DateTime.UtcNow);
        Api.Conversations.Add(other);
        await session.OpenAsync(other.Id);

        Assert.Null(session.Kept);
        Assert.Null(notices.Current);
        await session.RetryAsync();
        Assert.Equal(2, Api.Sent.Count); // nothing left to resend
    }

    [Fact]
    public async Task A_new_chat_is_created_by_its_first_message_with_the_chats_system_prompt()
    {
        Api.Chat = m => Stream(new UserMessageSaved(Dto("user", m.Content)), new AnswerDone(Dto("assistant", "你好")));
        session.State.Settings.SystemPrompt = "你是一只猫。";

        await session.SendAsync(new ChatSubmission("喵？", []));

        var created = Assert.Single(Api.Conversations);
        Assert.Equal(["start"], Api.Calls);
        Assert.Equal(["你是一只猫。"], Api.StartedWithSystemPrompt);
        Assert.Equal((created, true), Assert.Single(surface.Started));
        Assert.Same(created, session.State.Conversation);
        Assert.Equal(created.Id, Assert.Single(surface.Touched).Id); // listed first in the sidebar
    }

    [Fact]
    public async Task An_answer_stream_that_ends_without_a_verdict_is_marked_failed_and_the_question_kept()
    {
        Api.Chat = m => Stream(new UserMessageSaved(Dto("user", m.Content)), new AnswerDelta("写到一半"));

        await session.SendAsync(new ChatSubmission("写首诗", []));

        var (question, answer) = (session.State.Messages[0], session.State.Messages[1]);
        Assert.NotNull(question.Id);
        Assert.Equal(MessageStatus.Failed, answer.Status);
        Assert.Equal("stream_ended", answer.Error?.Code);
        Assert.Equal("写到一半", answer.Content);
        Assert.False(session.Busy);
        Assert.Null(session.Kept);
    }

    [Fact]
    public async Task A_refused_regenerate_shows_the_saved_answer_again_and_its_retry_regenerates()
    {
        var saved = Dto("assistant", "原来的回答");
        var conversation = Open(Dto("user", "问题"), saved);
        await session.OpenAsync(conversation.Id);
        var regenerations = 0;
        Api.Regenerate = _ => ++regenerations == 1
            ? Refuse(new ApiException(HttpStatusCode.TooManyRequests, null, TimeSpan.FromSeconds(30)))
            : Stream(new AnswerDone(Dto("assistant", "新的回答")));

        await session.RegenerateAsync(session.State.Messages[1]);

        Assert.Equal("原来的回答", session.State.Messages[1].Content);
        Assert.Equal(saved.Id, session.State.Messages[1].Id);
        Assert.Equal("Miku 正在忙着回答其他问题，请稍后重试。", notices.Current?.Text); // no countdown for regenerate

        await notices.RetryAsync();

        Assert.Equal("新的回答", session.State.Messages[1].Content);
        Assert.Equal(2, session.State.Messages.Count);
    }

    [Fact]
    public async Task An_answer_written_elsewhere_is_followed_until_it_is_done()
    {
        var streaming = Dto("assistant", "写到", status: MessageStatus.Streaming);
        var conversation = Open(Dto("user", "问题"), streaming);
        var rendered = new TaskCompletionSource();
        // The page attaches to the answer and renders as it streams: wait for the render that shows it finished.
        session.Changed += () =>
        {
            if (session.State.Messages.Count > 1 && !session.State.Messages[1].IsStreaming)
            {
                rendered.TrySetResult();
            }
        };

        await session.OpenAsync(conversation.Id);
        Assert.True(session.State.Messages[1].IsStreaming);
        Api.Messages[conversation.Id][1] = streaming with { Content = "写到这里就完成了", Status = MessageStatus.Complete };

        await rendered.Task.WaitAsync(TimeSpan.FromSeconds(10), TestContext.Current.CancellationToken);
        Assert.Equal("写到这里就完成了", session.State.Messages[1].Content);
        Assert.False(session.State.Messages[1].IsStreaming);
    }

    [Fact]
    public async Task An_answer_followed_from_another_tab_shows_the_rest_live_and_its_stop_reaches_the_api()
    {
        var streaming = Dto("assistant", "写到", status: MessageStatus.Streaming);
        var conversation = Open(Dto("user", "问题"), streaming);

        await session.OpenAsync(conversation.Id);
        Api.Messages[conversation.Id][1] = streaming with { Content = "写到一半" }; // the model writes on
        await Poll.UntilAsync(() => session.State.Messages[1].Content == "写到一半", "the page did not get there", TimeSpan.FromSeconds(10), TimeSpan.FromMilliseconds(20));
        Assert.NotNull(session.State.Run); // followed like an answer sent here: the composer offers Stop

        await session.StopAsync();

        Assert.Equal([streaming.Id], Api.Stopped);
        await Poll.UntilAsync(() => session.State.Messages[1].Status == MessageStatus.Cancelled && session.State.Run is null, "the page did not get there", TimeSpan.FromSeconds(10), TimeSpan.FromMilliseconds(20));
        Assert.Equal("写到一半", session.State.Messages[1].Content);
    }

    private ConversationDto Open(params MessageDto[] messages)
    {
        var conversation = new ConversationDto(Guid.NewGuid(), "对话", "balanced", null, null, DateTime.UtcNow, DateTime.UtcNow);
        Api.Conversations.Add(conversation);
        Api.Messages[conversation.Id] = [.. messages];
        return conversation;
    }

    protected override void Dispose(bool disposing)
    {
        session.Dispose();
        notices.Dispose();
        base.Dispose(disposing);
    }
}

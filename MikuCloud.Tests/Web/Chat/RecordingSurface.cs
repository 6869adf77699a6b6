using MikuCloud.Web.Chat;
using MikuCloud.Web.Components.Chat;

namespace MikuCloud.Tests.Web;

/// <summary>The page around a <see cref="ChatSession"/> in unit tests: records what the session asked of it.</summary>
internal sealed class RecordingSurface : IChatSurface
{
    public List<ChatSubmission> HandedBack { get; } = [];

    public List<ChatSubmission> Withdrawn { get; } = [];

    public List<(ConversationDto Conversation, bool OnScreen)> Started { get; } = [];

    public List<ConversationDto> Touched { get; } = [];

    public Task HandBackAsync(ChatSubmission submission)
    {
        HandedBack.Add(submission);
        return Task.CompletedTask;
    }

    public Task WithdrawAsync(ChatSubmission submission)
    {
        Withdrawn.Add(submission);
        return Task.CompletedTask;
    }

    public Task ConversationStartedAsync(ConversationDto conversation, bool onScreen)
    {
        Started.Add((conversation, onScreen));
        return Task.CompletedTask;
    }

    public void ConversationTouched(ConversationDto conversation) => Touched.Add(conversation);

    public Task ScrollToEndAsync() => Task.CompletedTask;
}

using MikuCloud.Web.Api;
using MikuCloud.Web.Components.Chat;
using MikuCloud.Web.Localization;
using MikuCloud.Web.Rendering;

namespace MikuCloud.Web.Chat;

/// <summary>
/// Which branch of the message tree is on screen: the <c>‹ 2/3 ›</c> switchers choose another one (the API remembers
/// it, and the next question and the model's history follow it), and after an edit or a regenerate the chosen branch
/// is read back so every message shows its siblings.
/// </summary>
internal sealed class ChatBranches(IMikuApi api, ChatNotices notices, UiText text, ILogger log)
{
    /// <summary>Shows the sibling <paramref name="step"/> places from <paramref name="message"/> (−1: previous, +1: next).</summary>
    public async Task SwitchAsync(ConversationState s, MessageView message, int step, CancellationToken cancellationToken)
    {
        if (s.Run is not null || s.Conversation is not { } conversation || message.Siblings is not { } siblings)
        {
            return;
        }

        var target = siblings.Position - 1 + step;
        if (target < 0 || target >= siblings.Ids.Count)
        {
            return;
        }

        try
        {
            Show(s, await api.SwitchBranchAsync(conversation.Id, siblings.Ids[target], cancellationToken));
        }
        catch (Exception ex) when (ApiFailure.IsTransport(ex))
        {
            log.LogWarning(ex, "Switching branch failed");
            notices.Show(new ChatNotice(NoticeKind.Error, text["msg.branch.failed"]));
        }
    }

    /// <summary>Reads the chosen branch's newest page again (after an edit or a regenerate: the siblings changed).</summary>
    public async Task ShowChosenAsync(ConversationState s, CancellationToken cancellationToken)
    {
        if (s.Run is not null || s.Conversation is not { } conversation)
        {
            return;
        }

        try
        {
            Show(s, await api.GetMessagesAsync(conversation.Id, null, ChatSession.PageSize, cancellationToken));
        }
        catch (Exception ex) when (ApiFailure.IsTransport(ex))
        {
            log.LogWarning(ex, "Reading the chosen branch failed"); // the screen keeps what it streamed
        }
    }

    private static void Show(ConversationState s, Page<MessageDto> page)
    {
        s.Messages.Clear();
        s.Messages.AddRange(page.Items.Select(MessageView.FromDto));
        s.NextCursor = page.NextCursor;
    }
}

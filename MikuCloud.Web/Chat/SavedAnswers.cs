using MikuCloud.Web.Api;
using MikuCloud.Web.Rendering;

namespace MikuCloud.Web.Chat;

/// <summary>
/// Reads back what the API saved, for the moments the page cannot know it from its own stream: after Stop (the
/// aborted stream never carried the saved answer) and after a refused regenerate (the old answer is still the saved one).
/// </summary>
internal sealed class SavedAnswers(IMikuApi api, ILogger log)
{
    /// <summary>
    /// After Stop: shows the answer as the API saved it (its id, so retry and regenerate work, and its time to first
    /// token). With <paramref name="waitForSave"/> the answer was being written, and the API saves it a moment after the
    /// aborted request, so wait for that; otherwise the newest page is read once.
    /// </summary>
    public async Task ShowStoppedAsync(ConversationState s, bool waitForSave, CancellationToken cancellationToken)
    {
        if (!waitForSave || s.Conversation is null)
        {
            await RefreshTailAsync(s, cancellationToken);
            return;
        }

        try
        {
            if (await StoppedAnswer.WaitForSaveAsync(api, s.Conversation.Id, cancellationToken) is { } page)
            {
                await RefreshTailAsync(s, cancellationToken, page);
            }
        }
        catch (Exception ex) when (ApiFailure.IsTransport(ex))
        {
            log.LogWarning(ex, "Reading the stopped answer back failed");
        }
    }

    /// <summary>Re-reads the newest page (or takes <paramref name="read"/>) so the screen matches what the API saved.</summary>
    public async Task RefreshTailAsync(ConversationState s, CancellationToken cancellationToken, Page<MessageDto>? read = null)
    {
        if (s.Conversation is null)
        {
            return;
        }

        try
        {
            var page = read ?? await api.GetMessagesAsync(s.Conversation.Id, null, ChatSession.PageSize, cancellationToken);
            var older = s.Messages.Where(m => m.Id is not null && page.Items.All(d => d.Id != m.Id))
                .Take(Math.Max(0, s.Messages.Count - page.Items.Count)).ToList();
            s.Messages.Clear();
            s.Messages.AddRange(older);
            s.Messages.AddRange(page.Items.Select(MessageView.FromDto));
        }
        catch (Exception ex) when (ApiFailure.IsTransport(ex))
        {
            log.LogWarning(ex, "Refresh failed");
        }
    }
}

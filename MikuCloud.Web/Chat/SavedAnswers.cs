using MikuCloud.Web.Api;
using MikuCloud.Web.Rendering;

namespace MikuCloud.Web.Chat;

/// <summary>
/// Reads back what the API saved, for the moments the page cannot know it from its own stream: after Stop (the
/// aborted stream never carried the saved answer), after a refused regenerate (the old answer is still the saved one),
/// and while an answer started elsewhere is still being written.
/// </summary>
internal sealed class SavedAnswers(IMikuApi api, ILogger log)
{
    /// <summary>How often an answer running elsewhere is re-read.</summary>
    public static readonly TimeSpan FollowInterval = TimeSpan.FromSeconds(1.5);

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

    /// <summary>
    /// An answer this page did not start is still being written (the page was reloaded mid-answer, or another tab
    /// asked): poll until it is finished so the user sees the result without reloading.
    /// </summary>
    public async Task FollowAsync(ConversationState s, Func<ConversationState, bool> isOnScreen, Action changed, CancellationToken cancellationToken)
    {
        for (var i = 0; i < 600 && isOnScreen(s); i++)
        {
            try
            {
                await Task.Delay(FollowInterval, cancellationToken);
            }
            catch (OperationCanceledException)
            {
                return;
            }

            if (!isOnScreen(s) || s.Conversation is null || s.Run is not null)
            {
                return;
            }

            try
            {
                var page = await api.GetMessagesAsync(s.Conversation.Id, null, ChatSession.PageSize, cancellationToken);
                foreach (var dto in page.Items)
                {
                    s.Messages.FirstOrDefault(m => m.Id == dto.Id)?.Apply(dto);
                }

                if (page.Items.All(m => m.Status != MessageStatus.Streaming))
                {
                    changed();
                    return;
                }
            }
            catch (Exception ex) when (ApiFailure.IsTransport(ex))
            {
                // keep polling; the banner shows the API state
            }
        }
    }
}

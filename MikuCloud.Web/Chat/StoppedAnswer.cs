using MikuCloud.Web.Api;

namespace MikuCloud.Web.Chat;

/// <summary>
/// Stop aborts the request to the API, so the stream's last event — the one carrying the answer's id and timings —
/// never reaches the page; the API saves the stopped answer a moment later. This waits for that save, so the live
/// view gets the ids (retry, regenerate) and the time to first token without a reload (issue 13, item 6).
/// </summary>
public static class StoppedAnswer
{
    /// <summary>How often the newest page is read while the API is still saving the stopped answer.</summary>
    public static readonly TimeSpan PollInterval = TimeSpan.FromMilliseconds(100);

    /// <summary>How long to wait for the save before giving up (the page then offers retry through the question's id).</summary>
    public static readonly TimeSpan MaxWait = TimeSpan.FromSeconds(5);

    /// <summary>
    /// The newest page of <paramref name="conversationId"/> once its last answer is no longer <c>streaming</c>, or null
    /// when that did not happen within <see cref="MaxWait"/>.
    /// </summary>
    public static async Task<Page<MessageDto>?> WaitForSaveAsync(IMikuApi api, Guid conversationId, CancellationToken cancellationToken)
    {
        var waited = System.Diagnostics.Stopwatch.StartNew();
        while (true)
        {
            var page = await api.GetMessagesAsync(conversationId, null, 50, cancellationToken);
            if (page.Items.LastOrDefault(m => m.Role == MessageRole.Assistant) is { } last && last.Status != MessageStatus.Streaming)
            {
                return page;
            }

            if (waited.Elapsed >= MaxWait)
            {
                return null;
            }

            await Task.Delay(PollInterval, cancellationToken);
        }
    }
}

using MikuCloud.Web.Services;

namespace MikuCloud.Web.Components.Pages;

/// <summary>
/// What the page shows for one conversation. A conversation with an answer still streaming keeps its state alive
/// when the user switches away, so coming back shows the stream still going instead of a half-saved copy.
/// </summary>
public sealed class ConversationState
{
    public ConversationDto? Conversation { get; set; }

    public List<MessageView> Messages { get; } = [];

    /// <summary>Cursor for older messages, null when the first page is loaded.</summary>
    public string? NextCursor { get; set; }

    public bool Loading { get; set; }

    public ChatSettings Settings { get; set; } = new();

    /// <summary>The answer streaming now, if any (one at a time per conversation).</summary>
    public StreamRun? Run { get; set; }
}

/// <summary>One streaming answer: cancelling its token aborts the request, which the API saves as <c>cancelled</c>.</summary>
public sealed class StreamRun(MessageView answer) : IDisposable
{
    public MessageView Answer { get; } = answer;

    public CancellationTokenSource Cancellation { get; } = new();

    public bool Stopped => Cancellation.IsCancellationRequested;

    public void Dispose() => Cancellation.Dispose();
}

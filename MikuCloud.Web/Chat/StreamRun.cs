using MikuCloud.Web.Rendering;


namespace MikuCloud.Web.Chat;

/// <summary>One streaming answer: cancelling its token aborts the request, which the API saves as <c>cancelled</c>.</summary>
public sealed class StreamRun(MessageView answer) : IDisposable
{
    /// <summary>The answer being written.</summary>
    public MessageView Answer { get; } = answer;

    /// <summary>Stop cancels this.</summary>
    public CancellationTokenSource Cancellation { get; } = new();

    /// <summary>The user pressed Stop.</summary>
    public bool Stopped => Cancellation.IsCancellationRequested;

    /// <inheritdoc />
    public void Dispose() => Cancellation.Dispose();
}

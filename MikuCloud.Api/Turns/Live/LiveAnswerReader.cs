using System.Threading.Channels;

namespace MikuCloud.Api.Turns.Live;

/// <summary>
/// A reader attached to a <see cref="LiveAnswer"/>: deltas (each with its end offset), heartbeats, then the final
/// <see cref="TurnEvent.AnswerDone"/> or <see cref="TurnEvent.AnswerFailed"/>. Disposing detaches it.
/// </summary>
public sealed class LiveAnswerReader(ChannelReader<TurnEvent> events, Action detach) : IDisposable
{
    /// <summary>The events, ending after the final one.</summary>
    public IAsyncEnumerable<TurnEvent> Events(CancellationToken cancellationToken) => events.ReadAllAsync(cancellationToken);

    /// <inheritdoc />
    public void Dispose() => detach();
}

using System.Threading.Channels;

namespace MikuCloud.Api.Turns.Live;

/// <summary>A reader's subscription to one answer's relayed deltas; disposing ends it.</summary>
public sealed class RelayedAnswerFeed(ChannelReader<RelayedDelta> deltas, Action unsubscribe) : IDisposable
{
    /// <summary>A feed that never delivers anything (no other replica can generate the answer).</summary>
    public static RelayedAnswerFeed None() => new(Channel.CreateUnbounded<RelayedDelta>().Reader, () => { });

    /// <summary>The deltas as they arrive.</summary>
    public ChannelReader<RelayedDelta> Deltas { get; } = deltas;

    /// <inheritdoc />
    public void Dispose() => unsubscribe();
}

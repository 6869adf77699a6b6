using System.Threading.Channels;

namespace MikuCloud.Api.Turns.Live;

/// <summary>
/// What <see cref="AnswerStream"/> writes to for a stored answer: each delta goes into the <see cref="LiveAnswer"/>
/// (for attached readers and the checkpoint) and on to the door with its end offset; heartbeats go to both.
/// </summary>
internal sealed class LiveAnswerWriter(ChannelWriter<TurnEvent> door, LiveAnswer live) : ChannelWriter<TurnEvent>
{
    public override bool TryWrite(TurnEvent item)
    {
        switch (item)
        {
            case TurnEvent.AnswerDelta delta:
                return door.TryWrite(delta with { End = live.Append(delta.Text) });
            case TurnEvent.Heartbeat:
                live.Beat();
                return door.TryWrite(item);
            default:
                return door.TryWrite(item);
        }
    }

    public override ValueTask<bool> WaitToWriteAsync(CancellationToken cancellationToken = default) => door.WaitToWriteAsync(cancellationToken);
}

using System.Threading.Channels;

namespace MikuCloud.Api.Turns;

/// <summary>
/// A turn that was admitted and whose question is saved: its <see cref="Events"/> for the door to translate. The
/// answer runs on its own and is saved however the door reads (or stops reading); disposing waits for that.
/// </summary>
/// <remarks>
/// A channel rather than an iterator: the answer must be finished and saved even when nobody reads to the end, and the
/// stream's error handling (try/catch around every read) cannot hold a <c>yield</c>. Unbounded: an answer is at most
/// <c>num_predict</c> tokens, and a slow reader must not slow Ollama down for everyone sharing it.
/// </remarks>
public sealed class TurnRun : IAsyncDisposable
{
    private readonly Channel<TurnEvent> events = Channel.CreateUnbounded<TurnEvent>(new UnboundedChannelOptions { SingleReader = true, SingleWriter = true });
    private readonly CancellationTokenSource stop;
    private Task answering = Task.CompletedTask;

    internal TurnRun(CancellationTokenSource stop) => this.stop = stop;

    /// <summary>The turn's events, in order, ending after <see cref="TurnEvent.AnswerDone"/> or <see cref="TurnEvent.AnswerFailed"/>.</summary>
    public IAsyncEnumerable<TurnEvent> Events => events.Reader.ReadAllAsync();

    internal ChannelWriter<TurnEvent> Writer => events.Writer;

    internal void Begin(Func<Task> answer) => answering = Task.Run(answer);

    /// <summary>Stops the answer (the door's reader went away); what was generated is saved as cancelled.</summary>
    public void Stop()
    {
        try
        {
            stop.Cancel();
        }
        catch (ObjectDisposedException)
        {
            // The answer already ended and let go of its token: nothing to stop.
        }
    }

    /// <summary>Waits until the answer is saved; a door that stopped reading early should <see cref="Stop"/> first.</summary>
    public async ValueTask DisposeAsync()
    {
        await answering.ConfigureAwait(false);
        GC.SuppressFinalize(this);
    }
}

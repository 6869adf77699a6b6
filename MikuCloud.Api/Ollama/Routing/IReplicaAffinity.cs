namespace MikuCloud.Api.Ollama.Routing;

/// <summary>
/// Which replica holds each conversation, shared by every API process (Redis in scale-out). Without it each router
/// remembers only the turns it routed itself, and a conversation whose turns reach different API processes loses its
/// cache: the simulation (BENCHMARKS.md item 12) puts a router per process at 34.5 % hits and a shared one at 86.6 %.
/// </summary>
public interface IReplicaAffinity
{
    /// <summary>The replica that answered <paramref name="key"/>'s last turn, if any process remembers it; null when the store cannot answer.</summary>
    ValueTask<Uri?> FindAsync(string key, CancellationToken cancellationToken = default);

    /// <summary>Remembers that <paramref name="key"/>'s turn went to <paramref name="replica"/>. Never throws and never waits.</summary>
    void Remember(string key, Uri replica);
}

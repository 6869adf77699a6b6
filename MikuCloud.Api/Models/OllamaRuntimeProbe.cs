using System.Collections.Concurrent;
using MikuCloud.Api.Ollama;
using MikuCloud.HouseModels;

namespace MikuCloud.Api.Models;

/// <summary>
/// Asks Ollama what it has and what is loaded, and what each model can do, remembering the answers briefly
/// (<see cref="CacheFor"/>) so that a page refreshed by many people does not become a stream of calls to Ollama.
/// Admin operations <see cref="Forget"/> so their effect shows at once.
/// </summary>
/// <remarks>With several replicas, the first healthy one answers: every replica is provisioned alike.</remarks>
public sealed class OllamaRuntimeProbe(OllamaReplicaClients replicas, TimeProvider time)
{
    /// <summary>How long a snapshot of <c>/api/tags</c> and <c>/api/ps</c> is reused.</summary>
    public static readonly TimeSpan CacheFor = TimeSpan.FromSeconds(3);

    private readonly SemaphoreSlim gate = new(1, 1);
    private readonly ConcurrentDictionary<string, OllamaModelFacts> facts = new(StringComparer.Ordinal);
    private (OllamaRuntimeSnapshot Snapshot, DateTimeOffset At)? last;

    /// <summary>Ollama's models on disk and in memory, at most <see cref="CacheFor"/> old.</summary>
    public async Task<OllamaRuntimeSnapshot> SnapshotAsync(CancellationToken cancellationToken)
    {
        if (Fresh() is { } cached)
        {
            return cached;
        }

        // One caller asks Ollama; the others wait for its answer.
        await gate.WaitAsync(cancellationToken);
        try
        {
            if (Fresh() is { } again)
            {
                return again;
            }

            var snapshot = await ProbeAsync(cancellationToken);
            last = (snapshot, time.GetUtcNow());
            return snapshot;
        }
        finally
        {
            gate.Release();
        }
    }

    /// <summary>
    /// What Ollama's <c>/api/show</c> says <paramref name="name"/> can do; null when Ollama does not have it or cannot be
    /// reached. Kept until <see cref="Forget"/>: a model's capabilities change only when it is created again.
    /// </summary>
    public async Task<OllamaModelFacts?> FactsAsync(string name, CancellationToken cancellationToken)
    {
        var key = ModelName.Normalize(name);
        if (facts.TryGetValue(key, out var known))
        {
            return known;
        }

        try
        {
            if (await Client().ShowAsync(name, cancellationToken) is not { } show)
            {
                return null;
            }

            return facts[key] = OllamaModelClient.ReadFacts(show);
        }
        catch (Exception ex) when (ex is HttpRequestException or OllamaApiException)
        {
            return null;
        }
    }

    /// <summary>Drops what is remembered, after an operation that changes it (unload, create).</summary>
    public void Forget()
    {
        last = null;
        facts.Clear();
    }

    /// <summary>A client for questions about models (show, list, ps): the first healthy replica.</summary>
    public OllamaModelClient Client() => replicas.Any();

    /// <summary>A client for each replica, for what must reach them all (pull, create, unload).</summary>
    public IReadOnlyList<(Uri Replica, OllamaModelClient Client)> Clients() => replicas.Each();

    private OllamaRuntimeSnapshot? Fresh() =>
        last is { } l && time.GetUtcNow() - l.At < CacheFor ? l.Snapshot : null;

    private async Task<OllamaRuntimeSnapshot> ProbeAsync(CancellationToken cancellationToken)
    {
        var client = Client();
        try
        {
            var onDisk = await client.ListAsync(cancellationToken);
            var loaded = await client.ListLoadedAsync(cancellationToken);
            return new OllamaRuntimeSnapshot(true,
                onDisk.GroupBy(m => ModelName.Normalize(m.Name)).ToDictionary(g => g.Key, g => g.First(), StringComparer.Ordinal),
                loaded.GroupBy(m => ModelName.Normalize(m.Name)).ToDictionary(g => g.Key, g => g.First(), StringComparer.Ordinal));
        }
        catch (Exception ex) when (ex is HttpRequestException or OllamaApiException)
        {
            return OllamaRuntimeSnapshot.Unreachable;
        }
    }
}

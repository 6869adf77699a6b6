using MikuCloud.Api.Models;
using MikuCloud.Api.Ollama.Routing;
using MikuCloud.HouseModels;

namespace MikuCloud.Api.Ollama;

/// <summary>
/// Model-management clients (show, list, ps, pull, create, unload, embed) for the replicas: one to ask what Ollama has
/// (the first healthy replica: every replica is provisioned alike), or one per replica for what must reach them all.
/// </summary>
public sealed class OllamaReplicaClients(IHttpClientFactory http, ReplicaRouter router, OllamaEndpoint endpoint)
{
    /// <summary>The first healthy replica (the first at all when none is; the connection string's endpoint when there is none).</summary>
    public Uri Asked
    {
        get
        {
            var replicas = router.Snapshot();
            return (replicas.FirstOrDefault(r => r.Healthy) ?? replicas.FirstOrDefault())?.BaseAddress ?? endpoint.Endpoint;
        }
    }

    /// <summary>A client for <see cref="Asked"/>.</summary>
    public OllamaModelClient Any() => For(Asked);

    /// <summary>A client for each replica, for pulls, creates and unloads (none: the connection string's endpoint).</summary>
    public IReadOnlyList<(Uri Replica, OllamaModelClient Client)> Each()
    {
        var replicas = router.Replicas.Select(r => r.BaseAddress).DefaultIfEmpty(endpoint.Endpoint);
        return [.. replicas.Select(r => (r, For(r)))];
    }

    /// <summary>A client for <paramref name="replica"/>, on the LLM-safe policy of the <c>ollama</c> HttpClient.</summary>
    public OllamaModelClient For(Uri replica)
    {
        var client = http.CreateClient(HouseModelsSetup.OllamaHttpClient);
        client.BaseAddress = replica;
        return new OllamaModelClient(client);
    }
}

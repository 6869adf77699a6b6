using Microsoft.Extensions.Options;
using MikuCloud.Api.Ollama.Routing;

namespace MikuCloud.Api.Ollama;

/// <summary>
/// Asks every configured replica <c>/api/version</c> (the server answers) and <c>/api/ps</c> (its scheduler answers) every
/// <see cref="OllamaReplicaOptions.HealthPollSeconds"/>, and reports to <see cref="ReplicaHealth"/>. Runs only when
/// replicas are configured.
/// </summary>
public sealed class ReplicaHealthPoller(ReplicaRouter router, ReplicaHealth health, IHttpClientFactory http, IOptions<OllamaReplicaOptions> options,
    TimeProvider time) : BackgroundService
{
    /// <summary>The named HttpClient of the polls: short timeout, no retries (a retry would hide the failure being measured).</summary>
    public const string HttpClientName = "ollama-replica-health";

    /// <inheritdoc />
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(TimeSpan.FromSeconds(Math.Max(0.1, options.Value.HealthPollSeconds)), time);
        do
        {
            await Task.WhenAll(router.Replicas.Select(r => PollAsync(r.BaseAddress, stoppingToken)));
        }
        while (await timer.WaitForNextTickAsync(stoppingToken));
    }

    /// <summary>One replica's poll: both calls answered 2xx, or the reason it failed.</summary>
    private async Task PollAsync(Uri replica, CancellationToken stoppingToken)
    {
        using var client = http.CreateClient(HttpClientName);
        try
        {
            foreach (var path in (string[])["api/version", "api/ps"])
            {
                using var response = await client.GetAsync(new Uri(replica, path), HttpCompletionOption.ResponseHeadersRead, stoppingToken);
                if (!response.IsSuccessStatusCode)
                {
                    health.Failed(replica, $"/{path} answered {(int)response.StatusCode}");
                    return;
                }
            }

            health.Succeeded(replica);
        }
        catch (Exception ex) when (ex is HttpRequestException or TaskCanceledException && !stoppingToken.IsCancellationRequested)
        {
            health.Failed(replica, ex is TaskCanceledException ? "no answer in time" : ex.Message);
        }
    }
}

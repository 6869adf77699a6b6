using System.Net;
using System.Net.Sockets;
using Microsoft.Extensions.Options;
using MikuCloud.Api.Chat;
using MikuCloud.Api.Ollama.Routing;

namespace MikuCloud.Api.Ollama;

/// <summary>
/// Keeps the router's replicas equal to what <c>Ollama:ReplicasDns</c> resolves to: once before the API serves, then
/// every <see cref="OllamaReplicaOptions.DnsRefreshSeconds"/>. A failed resolution keeps the replicas last seen.
/// </summary>
public sealed class ReplicaDnsWatcher(ReplicaRouter router, IOptions<OllamaReplicaOptions> options, IOptions<ChatServerOptions> chat, TimeProvider time,
    ILogger<ReplicaDnsWatcher> logger) : BackgroundService
{
    private readonly ReplicaDnsName name = ReplicaDnsName.Parse(options.Value.ReplicasDns!);

    /// <summary>Resolves once before the API starts serving, so its first turn has replicas.</summary>
    public override async Task StartAsync(CancellationToken cancellationToken)
    {
        await ResolveAsync(cancellationToken);
        await base.StartAsync(cancellationToken);
    }

    /// <inheritdoc />
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(TimeSpan.FromSeconds(Math.Max(1, options.Value.DnsRefreshSeconds)), time);
        while (await timer.WaitForNextTickAsync(stoppingToken))
        {
            await ResolveAsync(stoppingToken);
        }
    }

    private async Task ResolveAsync(CancellationToken cancellationToken)
    {
        try
        {
            var addresses = await Dns.GetHostAddressesAsync(name.Host, cancellationToken);
            var replicas = name.Replicas(addresses, options.Value.ReplicaSlots ?? chat.Value.MaxConcurrentGenerations);
            var before = router.Replicas.Select(r => r.BaseAddress).ToHashSet();
            if (!before.SetEquals(replicas.Select(r => r.BaseAddress)))
            {
                logger.LogInformation("Ollama replicas of {Name}: {Count} ({Replicas}).", name.Host, replicas.Count, string.Join(", ", replicas.Select(r => r.BaseAddress.Authority)));
            }

            router.SetReplicas(replicas);
        }
        catch (SocketException ex)
        {
            logger.LogWarning("Resolving the Ollama replicas {Name} failed ({Reason}); keeping the {Count} last seen.", name.Host, ex.SocketErrorCode, router.Replicas.Count);
        }
    }
}

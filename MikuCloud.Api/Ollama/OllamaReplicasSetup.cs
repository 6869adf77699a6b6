using Microsoft.Extensions.Options;
using MikuCloud.Api.Chat;
using MikuCloud.Api.Models;
using MikuCloud.Api.Ollama.Routing;

namespace MikuCloud.Api.Ollama;

/// <summary>
/// Registers the Ollama replicas and the router that sends each turn to one of them: from <c>Ollama:Replicas</c> or
/// <c>Ollama:ReplicasDns</c> (watched: health polls, DNS refresh), or the connection string's one endpoint (unwatched).
/// </summary>
public static class OllamaReplicasSetup
{
    /// <summary>Adds the router, its health and DNS watchers (when replicas are configured), telemetry and model clients.</summary>
    public static IHostApplicationBuilder AddOllamaReplicas(this IHostApplicationBuilder builder)
    {
        ArgumentNullException.ThrowIfNull(builder);
        var services = builder.Services;
        var section = builder.Configuration.GetSection(OllamaReplicaOptions.SectionName);
        var settings = section.Get<OllamaReplicaOptions>() ?? new OllamaReplicaOptions();
        var listed = Validate(settings);
        services.AddOptions<OllamaReplicaOptions>().Bind(section);

        services.AddSingleton(sp =>
        {
            var slots = settings.ReplicaSlots ?? sp.GetRequiredService<IOptions<ChatServerOptions>>().Value.MaxConcurrentGenerations;
            var replicas = settings.Configured ? listed.Select(r => new OllamaReplica(r, slots)) : [new OllamaReplica(sp.GetRequiredService<OllamaEndpoint>().Endpoint, slots)];
            // Overcommit: admission (Chat:MaxConcurrentGenerations) stays this process's bound; when it admits more than
            // the replicas have slots, Ollama queues the rest, as it always did with one endpoint.
            // Scale-out (ScaleOutSetup) registers slots and affinity that every API process shares; otherwise this process's own.
            return new ReplicaRouter(replicas, sp.GetService<IReplicaSlots>() ?? new InProcessReplicaSlots(), new ReplicaRouterOptions
            {
                AffinityCapacity = settings.AffinityCapacity,
                AffinityQueueSlots = settings.AffinityQueueSlots,
                OvercommitWhenFull = true,
            }, sp.GetService<IReplicaAffinity>());
        });
        services.AddSingleton<ReplicaHealth>();
        services.AddSingleton(sp => new ReplicaTelemetry(sp.GetRequiredService<System.Diagnostics.Metrics.IMeterFactory>(), sp.GetRequiredService<ReplicaRouter>()));
        services.AddSingleton<OllamaReplicaClients>();
        if (settings.Configured)
        {
            // The supported way to opt one client out of the standard resilience handler: a retry would hide the failure.
#pragma warning disable EXTEXP0001
            services.AddHttpClient(ReplicaHealthPoller.HttpClientName, c => c.Timeout = TimeSpan.FromSeconds(2)).RemoveAllResilienceHandlers();
#pragma warning restore EXTEXP0001
            services.AddHostedService<ReplicaHealthPoller>();
        }

        if (!string.IsNullOrWhiteSpace(settings.ReplicasDns))
        {
            services.AddHostedService<ReplicaDnsWatcher>();
        }

        return builder;
    }

    /// <summary>The listed replicas' base addresses; a setting that cannot work stops the API with one line.</summary>
    private static List<Uri> Validate(OllamaReplicaOptions settings)
    {
        if (settings.Replicas.Count > 0 && !string.IsNullOrWhiteSpace(settings.ReplicasDns))
        {
            throw new StartupRefusedException("Set Ollama:Replicas or Ollama:ReplicasDns, not both.");
        }

        if (settings.ReplicaSlots is < 1)
        {
            throw new StartupRefusedException($"Ollama:ReplicaSlots must be at least 1 (it is {settings.ReplicaSlots}).");
        }

        if (settings.AffinityQueueSlots < 0)
        {
            throw new StartupRefusedException($"Ollama:AffinityQueueSlots must be 0 or more (it is {settings.AffinityQueueSlots}).");
        }

        try
        {
            if (!string.IsNullOrWhiteSpace(settings.ReplicasDns))
            {
                ReplicaDnsName.Parse(settings.ReplicasDns);
            }
        }
        catch (FormatException ex)
        {
            throw new StartupRefusedException(ex.Message, ex);
        }

        return [.. settings.Replicas.Select(r => Uri.TryCreate(r.Trim().TrimEnd('/') + "/", UriKind.Absolute, out var uri) && uri.Scheme is "http" or "https"
            ? uri
            : throw new StartupRefusedException($"Ollama:Replicas has '{r}', which is not an http(s) base URL such as http://ollama-0.ollama:11434."))];
    }
}

namespace MikuCloud.AppHost.Ollama;

/// <summary>
/// Hosting for Ollama and MikuCloud's house models, in one partial class split by feature:
/// servers (this file), GPU (<c>.Gpu.cs</c>), house models (<c>.Models.cs</c>) and dashboard commands (<c>.Commands.cs</c>).
/// </summary>
public static partial class OllamaResourceBuilderExtensions
{
    /// <summary>Adds an Ollama container (<c>docker.io/ollama/ollama</c> at the pinned tag) on port 11434.</summary>
    /// <param name="builder">The distributed application builder.</param>
    /// <param name="name">Resource name.</param>
    /// <param name="port">Fixed host port; a random one when <c>null</c>.</param>
    public static IResourceBuilder<OllamaResource> AddOllama(this IDistributedApplicationBuilder builder, string name, int? port = null)
    {
        ArgumentNullException.ThrowIfNull(builder);
        ArgumentException.ThrowIfNullOrWhiteSpace(name);

        return builder.AddResource(new OllamaResource(name))
            .WithImage(OllamaContainerImageTags.Image, OllamaContainerImageTags.Tag)
            .WithImageRegistry(OllamaContainerImageTags.Registry)
            .WithHttpEndpoint(port: port, targetPort: OllamaContainerImageTags.Port, name: OllamaResource.PrimaryEndpointName)
            .WithIconName("BrainCircuit");
    }

    /// <summary>Mounts a named volume at <c>/root/.ollama</c> so models survive container restarts.</summary>
    public static IResourceBuilder<OllamaResource> WithDataVolume(this IResourceBuilder<OllamaResource> builder, string? name = null)
    {
        ArgumentNullException.ThrowIfNull(builder);
        return builder.WithVolume(name ?? $"mikucloud-{builder.Resource.Name}-models", OllamaContainerImageTags.ModelsPath);
    }

    /// <summary>
    /// Runs <c>ollama serve</c> from PATH, bound to loopback on <paramref name="port"/> (default 11434).
    /// Models live in the user's own Ollama folder.
    /// </summary>
    public static IResourceBuilder<OllamaExecutableResource> AddOllamaLocal(this IDistributedApplicationBuilder builder, string name, int? port = null)
    {
        ArgumentNullException.ThrowIfNull(builder);
        ArgumentException.ThrowIfNullOrWhiteSpace(name);
        var hostPort = port ?? OllamaContainerImageTags.Port;

        return builder.AddResource(new OllamaExecutableResource(name, builder.AppHostDirectory))
            .WithArgs("serve")
            // Not proxied: `ollama serve` must own the port it is told about in OLLAMA_HOST.
            .WithHttpEndpoint(port: hostPort, targetPort: hostPort, name: OllamaResource.PrimaryEndpointName, isProxied: false)
            .WithEnvironment("OLLAMA_HOST", "127.0.0.1:" + hostPort.ToString(System.Globalization.CultureInfo.InvariantCulture))
            .WithIconName("BrainCircuit");
    }

    /// <summary>
    /// An Ollama server someone else runs, at <c>ConnectionStrings:{name}</c> (<c>Endpoint=http://host:11434</c>), shown in
    /// the dashboard as Running from the start (the AppHost does not manage it; its house model shows whether it answers).
    /// </summary>
    public static IResourceBuilder<OllamaExternalResource> AddOllamaExternal(this IDistributedApplicationBuilder builder, string name)
    {
        ArgumentNullException.ThrowIfNull(builder);
        ArgumentException.ThrowIfNullOrWhiteSpace(name);
        var endpoint = builder.AddParameterFromConfiguration($"{name}-endpoint", $"ConnectionStrings:{name}");

        return builder.AddResource(new OllamaExternalResource(name, endpoint.Resource))
            .WithInitialState(new CustomResourceSnapshot
            {
                ResourceType = "Ollama",
                State = KnownResourceStates.NotStarted,
                Properties = [new("mode", "external")],
            })
            .WithReferenceRelationship(endpoint)
            .WithIconName("BrainCircuit")
            .OnInitializeResource(async (server, e, ct) =>
            {
                await e.Eventing.PublishAsync(new BeforeResourceStartedEvent(server, e.Services), ct).ConfigureAwait(false);
                await e.Notifications.PublishUpdateAsync(server, s => s with
                {
                    State = KnownResourceStates.Running,
                    StartTimeStamp = DateTime.UtcNow,
                }).ConfigureAwait(false);
                await e.Eventing.PublishAsync(new ConnectionStringAvailableEvent(server, e.Services), ct).ConfigureAwait(false);
            });
    }

    /// <summary>Sets the server knobs (<c>OLLAMA_NUM_PARALLEL</c>, <c>OLLAMA_KEEP_ALIVE</c>, …) from their parameters.</summary>
    public static IResourceBuilder<T> WithServerSettings<T>(this IResourceBuilder<T> builder, OllamaServerSettings settings)
        where T : IResourceWithEnvironment
    {
        ArgumentNullException.ThrowIfNull(builder);
        ArgumentNullException.ThrowIfNull(settings);
        foreach (var (variable, parameter) in settings.Parameters)
        {
            builder.WithEnvironment(variable, parameter);
        }

        return builder;
    }
}

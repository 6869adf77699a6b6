using MikuCloud.HouseModels;

namespace MikuCloud.AppHost.Ollama;

/// <summary>The Ollama server, its house models and the knobs dependants need, as configured.</summary>
/// <param name="Server">The server in whichever mode was chosen.</param>
/// <param name="Model">The default house model (child of the server): what the API chats with and waits for.</param>
/// <param name="Models">Every enabled house model, the default included, each a child of the server.</param>
/// <param name="Selection">Which models were chosen, and the optional ones switched on.</param>
/// <param name="Settings">The server knobs as parameters.</param>
/// <param name="Options">The options that chose all this.</param>
/// <param name="Choice">The mode Ollama runs in this time, and why (<c>auto</c> decides here).</param>
public sealed record MikuCloudOllama(
    IResourceBuilder<IResourceWithConnectionString> Server,
    IResourceBuilder<OllamaModelResource> Model,
    IReadOnlyList<IResourceBuilder<OllamaModelResource>> Models,
    HouseModelSelection Selection,
    OllamaServerSettings Settings,
    OllamaHostingOptions Options,
    OllamaModeChoice Choice);

/// <summary>Composes MikuCloud's Ollama from configuration (<c>Ollama:*</c>) and <c>modelfiles/</c>.</summary>
public static class MikuCloudOllamaExtensions
{
    /// <summary>The server's resource name; also the connection name dependants read (<c>ConnectionStrings:ollama</c>).</summary>
    public const string ServerName = "ollama";

    /// <summary>
    /// Adds the Ollama server in the configured mode (<c>auto</c> by default: see <see cref="OllamaModeChoice.Choose"/>)
    /// and every enabled house model from <c>modelfiles/</c> (see <see cref="HouseModelSelection"/>), each its own child
    /// resource with download progress and a health check.
    /// </summary>
    /// <param name="builder">The AppHost's builder.</param>
    /// <param name="probes">What <c>auto</c> asks the machine; <see cref="OllamaModeProbes.System"/> when null.</param>
    public static MikuCloudOllama AddMikuCloudOllama(this IDistributedApplicationBuilder builder, OllamaModeProbes? probes = null)
    {
        ArgumentNullException.ThrowIfNull(builder);
        var options = OllamaHostingOptions.From(builder.Configuration);
        probes ??= OllamaModeProbes.System;
        // Publishing describes a deployment, not this machine: there auto means the container.
        var choice = builder.ExecutionContext.IsRunMode
            ? OllamaModeChoice.Choose(options.Mode, ContainerRuntimeCheck.Command(options.ContainerRuntime), () => probes.Engine(options.ContainerRuntime), probes.Ollama)
            : new OllamaModeChoice(options.Mode == OllamaMode.Auto ? OllamaMode.Container : options.Mode, "Publishing.");
        var catalog = HouseModelCatalog.Load(HouseModelCatalog.LocateDirectory(options.ModelfilesPath));
        var selection = HouseModelSelection.From(catalog, options, builder.Configuration);
        var settings = OllamaServerSettings.AddParameters(builder, selection.Default.ContextLength);
        IResourceBuilder<IResourceWithConnectionString> server = choice.Mode switch
        {
            OllamaMode.Container => builder.AddOllama(ServerName, options.Port)
                .WithDataVolume()
                .WithGpuSupport(options.Gpu, options.ContainerRuntime)
                .WithServerSettings(settings)
                .WithContainerRuntimeCheck(options.ContainerRuntime, auto: choice.Fallback),
            OllamaMode.Local => builder.AddOllamaLocal(ServerName, options.Port).WithServerSettings(settings),
            // Run mode: a resource of its own, so the dashboard shows it with its commands. Publishing: a plain connection string.
            _ when builder.ExecutionContext.IsRunMode => builder.AddOllamaExternal(ServerName),
            _ => builder.AddConnectionString(ServerName),
        };
        server.WithModelCommands().WithModeChoice(choice);

        // Each model provisions on its own: an optional model that fails (a missing adapter, say) does not hold up the rest.
        var models = selection.Models.Select(m => server.AddHouseModel(m).WithUnloadCommand()).ToList();
        var model = models.Single(m => m.Resource.Model == selection.Default);
        return new MikuCloudOllama(server, model, models, selection, settings, options, choice);
    }
}

using MikuCloud.HouseModels;

namespace MikuCloud.AppHost.Ollama;

/// <summary>The Ollama server, its house model and the knobs dependants need, as configured.</summary>
/// <param name="Server">The server in whichever mode was chosen.</param>
/// <param name="Model">The house model (child of the server).</param>
/// <param name="Settings">The server knobs as parameters.</param>
/// <param name="Options">The options that chose all this.</param>
/// <param name="Choice">The mode Ollama runs in this time, and why (<c>auto</c> decides here).</param>
public sealed record MikuCloudOllama(
    IResourceBuilder<IResourceWithConnectionString> Server,
    IResourceBuilder<OllamaModelResource> Model,
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
    /// and the house model from <c>modelfiles/</c> with the configured quantization.
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
        var house = options.HouseModel is null
            ? catalog.DefaultModel
            : catalog.FindModel(options.HouseModel) ?? throw new InvalidOperationException(
                $"Ollama:HouseModel='{options.HouseModel}' is not in {catalog.Directory} (known: {string.Join(", ", catalog.Models.Select(m => m.Name))}).");
        if (options.Quantization is not null)
        {
            house = house.WithQuantization(options.Quantization);
        }

        var settings = OllamaServerSettings.AddParameters(builder, house.ContextLength);
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

        var model = server.AddHouseModel(house).WithUnloadCommand();
        return new MikuCloudOllama(server, model, settings, options, choice);
    }
}

using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace MikuCloud.AppHost.Ollama;

public static partial class OllamaResourceBuilderExtensions
{
    /// <summary>The server's dashboard property that says which mode runs and why.</summary>
    public const string ModeProperty = "ollama.mode";

    /// <summary>
    /// Says where Ollama runs and why, once, as the app starts: on the AppHost's console, in the server's console log and
    /// as its <see cref="ModeProperty"/> in the dashboard. Not for <c>auto</c>'s last resort: the container check then
    /// stops the start with the one line that says it all.
    /// </summary>
    public static IResourceBuilder<T> WithModeChoice<T>(this IResourceBuilder<T> builder, OllamaModeChoice choice) where T : IResource
    {
        ArgumentNullException.ThrowIfNull(builder);
        ArgumentNullException.ThrowIfNull(choice);
        if (!builder.ApplicationBuilder.ExecutionContext.IsRunMode || choice.Fallback)
        {
            return builder;
        }

        var server = builder.Resource;
        builder.ApplicationBuilder.Eventing.Subscribe<BeforeStartEvent>(async (e, _) =>
        {
            e.Services.GetRequiredService<ILoggerFactory>().CreateLogger("MikuCloud.AppHost.Ollama").LogInformation("{Choice}", choice.Reason);
            e.Services.GetRequiredService<ResourceLoggerService>().GetLogger(server).LogInformation("{Choice}", choice.Reason);
            await e.Services.GetRequiredService<ResourceNotificationService>().PublishUpdateAsync(server, s => s with
            {
                Properties = [.. s.Properties.Where(p => p.Name != ModeProperty), new(ModeProperty, $"{OllamaModeChoice.Name(choice.Mode)}: {choice.Reason}")],
            }).ConfigureAwait(false);
        });
        return builder;
    }
}

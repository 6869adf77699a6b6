using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace MikuCloud.AppHost;

/// <summary>How the AppHost runs MikuCloud's own projects on a developer's machine.</summary>
public static class ProjectResourceExtensions
{
    /// <summary>The console category of the AppHost's own lines (where to chat).</summary>
    public const string ConsoleCategory = "MikuCloud.AppHost";

    /// <summary>
    /// The project serves plain HTTP on loopback (TLS ends at the ingress in Kubernetes), so it needs no development
    /// certificate. Aspire gives every project a certificate hook, and one hook is enough for it to greet a machine without a
    /// trusted certificate with a red "No trusted development certificate" error, also on the plain-HTTP profile.
    /// </summary>
    public static IResourceBuilder<ProjectResource> WithPlainHttp(this IResourceBuilder<ProjectResource> builder)
    {
        ArgumentNullException.ThrowIfNull(builder);
#pragma warning disable ASPIRECERTIFICATES001 // experimental in 13.x; the documented way to say "no TLS here"
        return builder.WithoutHttpsCertificate();
#pragma warning restore ASPIRECERTIFICATES001
    }

    /// <summary>
    /// Prints where to chat on the AppHost's console: the address as soon as it is known (the first run may spend minutes
    /// downloading the model), and again when the app is ready.
    /// </summary>
    public static IResourceBuilder<ProjectResource> WithChatUrlOnConsole(this IResourceBuilder<ProjectResource> builder)
    {
        ArgumentNullException.ThrowIfNull(builder);
        builder.OnResourceEndpointsAllocated((resource, e, _) =>
        {
            Logger(e.Services).LogInformation("MikuCloud will be at {Url} once it is ready (the first run downloads the model: watch miku-vl in the dashboard).", Url(resource));
            return Task.CompletedTask;
        });
        builder.OnResourceReady((resource, e, _) =>
        {
            Logger(e.Services).LogInformation("MikuCloud is ready: open {Url} to chat.", Url(resource));
            return Task.CompletedTask;
        });
        return builder;
    }

    private static ILogger Logger(IServiceProvider services) => services.GetRequiredService<ILoggerFactory>().CreateLogger(ConsoleCategory);

    private static string Url(ProjectResource web) =>
        web.GetEndpoints().FirstOrDefault(e => e.EndpointName == "http" && e.IsAllocated)?.Url
        ?? web.GetEndpoints().First(e => e.IsAllocated).Url;
}

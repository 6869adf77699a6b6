using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using MikuCloud.HouseModels;

namespace MikuCloud.AppHost.Ollama;

public static partial class OllamaResourceBuilderExtensions
{
    /// <summary>The dashboard's resource type for house models.</summary>
    public const string ModelResourceType = "OllamaModel";

    /// <summary>
    /// Adds a house model as a child of <paramref name="server"/>. At startup it waits for the server, pulls the
    /// base if missing (state shows the percentage), creates the model from its Modelfile when missing or
    /// changed, then turns Running. Its health check passes only when <c>/api/show</c> finds the model, so
    /// <c>WaitFor(model)</c> holds dependants until the model is really there — and nothing waits on the model
    /// before its own download can start.
    /// </summary>
    public static IResourceBuilder<OllamaModelResource> AddHouseModel<T>(this IResourceBuilder<T> server, HouseModel model, string? name = null)
        where T : IResourceWithConnectionString
    {
        ArgumentNullException.ThrowIfNull(server);
        ArgumentNullException.ThrowIfNull(model);

        var builder = server.ApplicationBuilder;
        var resource = new OllamaModelResource(name ?? model.Name, model, server.Resource);
        var healthCheckKey = $"{resource.Name}-model-available";
        builder.Services.AddHealthChecks().Add(new HealthCheckRegistration(
            healthCheckKey, _ => new OllamaModelHealthCheck(resource), failureStatus: HealthStatus.Unhealthy, tags: null));

        return builder.AddResource(resource)
            .WithInitialState(new CustomResourceSnapshot
            {
                ResourceType = ModelResourceType,
                State = KnownResourceStates.NotStarted,
                Properties =
                [
                    new("model", model.Name),
                    new("from", model.From),
                    new("context", model.ContextLength),
                ],
            })
            .WithIconName("Cube")
            .WithHealthCheck(healthCheckKey)
            .WithManifestPublishingCallback(context =>
            {
                // Models are created at run time (here by the AppHost, in clusters by deploy/'s model-init);
                // the manifest only carries the connection string dependants use.
                context.Writer.WriteString("type", "value.v0");
                context.WriteConnectionString(resource);
            })
            .OnInitializeResource((model, e, ct) =>
            {
                // Fire and forget: provisioning can take many minutes and must not hold up the app's startup.
                _ = Task.Run(() => new HouseModelProvisioning(model, e.Notifications, e.Logger).RunAsync(ct), ct);
                return Task.CompletedTask;
            });
    }

    /// <summary>
    /// Tells a project which optional house models are switched on (<c>HouseModels__Enabled</c>, comma-separated), when
    /// any are: the API lists and offers those beside the default.
    /// </summary>
    public static IResourceBuilder<T> WithEnabledHouseModels<T>(this IResourceBuilder<T> builder, HouseModelSelection selection)
        where T : IResourceWithEnvironment
    {
        ArgumentNullException.ThrowIfNull(builder);
        ArgumentNullException.ThrowIfNull(selection);
        return selection.EnabledOptional.Count == 0
            ? builder
            : builder.WithEnvironment(HouseModelSelection.EnabledKey.Replace(":", "__", StringComparison.Ordinal), string.Join(",", selection.EnabledOptional));
    }
}

/// <summary>Healthy only when the Ollama server answers <c>/api/show</c> for the model.</summary>
internal sealed class OllamaModelHealthCheck(OllamaModelResource resource) : IHealthCheck
{
    public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        try
        {
            var connection = await resource.Parent.GetConnectionStringAsync(cancellationToken).ConfigureAwait(false);
            if (string.IsNullOrWhiteSpace(connection))
            {
                return HealthCheckResult.Unhealthy("The Ollama server has no endpoint yet.");
            }

            var client = OllamaClients.For(OllamaConnectionString.Parse(connection).Endpoint, TimeSpan.FromSeconds(10));
            return await client.ShowAsync(resource.Model.Name, cancellationToken).ConfigureAwait(false) is null
                ? HealthCheckResult.Unhealthy($"Ollama does not have {resource.Model.Name} (yet).")
                : HealthCheckResult.Healthy();
        }
        catch (Exception ex) when (ex is HttpRequestException or OllamaApiException or TaskCanceledException or FormatException)
        {
            return HealthCheckResult.Unhealthy(ex.Message);
        }
    }
}

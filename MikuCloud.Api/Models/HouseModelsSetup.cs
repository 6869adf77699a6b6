using Microsoft.Extensions.Diagnostics.HealthChecks;
using MikuCloud.HouseModels;

namespace MikuCloud.Api.Models;

/// <summary>Options of the <c>Ollama</c> connection, from <c>ConnectionStrings:ollama</c>.</summary>
/// <param name="Endpoint">The Ollama server.</param>
/// <param name="Model">The house model to chat with.</param>
public sealed record OllamaEndpoint(Uri Endpoint, string Model);

/// <summary>Registers the catalog (modelfiles/), the Ollama endpoint and the model-management client.</summary>
public static class HouseModelsSetup
{
    /// <summary>Name of the HttpClient for Ollama, with the LLM-safe policy.</summary>
    public const string OllamaHttpClient = "ollama";

    public static IHostApplicationBuilder AddHouseModels(this IHostApplicationBuilder builder)
    {
        HouseModelCatalog catalog;
        OllamaConnectionString parsed;
        try
        {
            catalog = HouseModelCatalog.Load(HouseModelCatalog.LocateDirectory(builder.Configuration["Modelfiles:Path"]));
            parsed = OllamaConnectionString.Parse(builder.Configuration.GetConnectionString("ollama")
                ?? throw new StartupRefusedException("ConnectionStrings:ollama is not set. Use 'Endpoint=http://host:11434' (optionally ';Model=miku-vl')."));
        }
        catch (Exception ex) when (ex is ModelfileException or FormatException or IOException)
        {
            // A Modelfile error reads `file:line: reason`; the API cannot start without its house model: one line, exit code 1.
            throw new StartupRefusedException(ex.Message, ex);
        }

        builder.Services.AddSingleton(catalog);
        var endpoint = new OllamaEndpoint(parsed.Endpoint, parsed.Model ?? catalog.DefaultModel.Name);
        builder.Services.AddSingleton(endpoint);

        builder.Services.AddHttpClient(OllamaHttpClient, c => c.BaseAddress = endpoint.Endpoint)
            .AddOllamaResilienceHandler();
        // Embeddings and the health check ask the first healthy replica (OllamaReplicasSetup): the endpoint when there is one.
        builder.Services.AddTransient(sp => sp.GetRequiredService<Ollama.OllamaReplicaClients>().Any());

        // Which models are on, the one a turn answers with, and the Models page's view of Ollama (cached briefly) and its provisioning.
        builder.Services.AddScoped<HouseModelSwitches>();
        builder.Services.AddScoped<ChatModelChoice>();
        builder.Services.AddScoped<HouseModelListing>();
        builder.Services.AddSingleton<OllamaRuntimeProbe>();
        builder.Services.AddSingleton<HouseModelProvisioning>();

        // Ready = Ollama answers and has the house model. Not tagged "live": a missing model is no reason to restart the API.
        builder.Services.AddHealthChecks().AddCheck<OllamaHealthCheck>("ollama");
        return builder;
    }
}

/// <summary>
/// Healthy when Ollama has the house model; degraded when it lacks the model or cannot be reached. Never unhealthy:
/// without Ollama the API still serves history, exports and images, so it must stay in rotation (chat answers 503).
/// </summary>
internal sealed class OllamaHealthCheck(OllamaModelClient client, OllamaEndpoint endpoint) : IHealthCheck
{
    public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(TimeSpan.FromSeconds(5));
        try
        {
            return await client.ShowAsync(endpoint.Model, timeout.Token) is null
                ? HealthCheckResult.Degraded($"Ollama does not have {endpoint.Model}.")
                : HealthCheckResult.Healthy();
        }
        catch (Exception ex) when (ex is HttpRequestException or OllamaApiException or OperationCanceledException)
        {
            return HealthCheckResult.Degraded("Ollama is unreachable.");
        }
    }
}

using System.Text.Json;
using MikuCloud.HouseModels;

namespace MikuCloud.Api.Models;

/// <summary><c>GET /api/presets</c> and <c>GET /api/models</c>.</summary>
public static class ModelEndpoints
{
    public static IEndpointRouteBuilder MapModelEndpoints(this IEndpointRouteBuilder app)
    {
        var group = app.MapGroup("/api").WithTags("Models");

        // The catalog is loaded once at startup and never changes: its presets are turned into the contract once too.
        IReadOnlyList<PresetDto>? presets = null;
        group.MapGet("/presets", (HouseModelCatalog catalog) => presets ??= [.. catalog.Presets.Select(ToDto)])
            .WithSummary("Sampling presets, from modelfiles/presets.");

        group.MapGet("/models", async (HouseModelCatalog catalog, OllamaEndpoint endpoint, OllamaModelClient client, CancellationToken ct) =>
            {
                var model = catalog.FindModel(endpoint.Model);
                var (status, detail) = await ProbeAsync(client, endpoint.Model, ct);
                return new[]
                {
                    new HouseModelDto(endpoint.Model, model?.From ?? "", model?.ContextLength ?? 0, status, detail),
                };
            })
            .WithSummary("House models with readiness: ready, missing (not created yet) or unavailable (Ollama unreachable).");
        return app;
    }

    /// <summary>
    /// The contract carries option values as JSON (clients read them as <see cref="JsonElement"/>); the catalog types
    /// them as the Modelfile did (numbers, strings, lists), which serialise to the same JSON.
    /// </summary>
    private static PresetDto ToDto(Preset p) =>
        new(p.Id, p.Model, p.IsDefault, p.Titles, p.Descriptions, p.Options.ToDictionary(o => o.Key, o => JsonSerializer.SerializeToElement(o.Value)));

    private static async Task<(string Status, string? Detail)> ProbeAsync(OllamaModelClient client, string model, CancellationToken ct)
    {
        try
        {
            return await client.ShowAsync(model, ct) is null ? ("missing", $"Ollama has no {model} yet.") : ("ready", null);
        }
        catch (Exception ex) when (ex is HttpRequestException or OllamaApiException)
        {
            return ("unavailable", "Ollama is unreachable.");
        }
    }
}

using System.Text.Json;
using Microsoft.AspNetCore.Http.HttpResults;
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

        group.MapGet("/models", ListAsync)
            .WithSummary("The house models that are on, the default first: purpose, capabilities, presets, readiness, size and whether loaded.")
            .WithDescription("status: ready, missing (not created yet), provisioning (being pulled or created) or unavailable (Ollama unreachable). " +
                             "A conversation's model is one of these with purpose vision or text and status ready.");
        return app;
    }

    private static async Task<Ok<IReadOnlyList<HouseModelDto>>> ListAsync(HouseModelListing listing, CancellationToken ct) =>
        TypedResults.Ok(await listing.ListAsync(includeOff: false, ct));

    /// <summary>
    /// The contract carries option values as JSON (clients read them as <see cref="JsonElement"/>); the catalog types
    /// them as the Modelfile did (numbers, strings, lists), which serialise to the same JSON.
    /// </summary>
    private static PresetDto ToDto(Preset p) =>
        new(p.Id, p.Model, p.IsDefault, p.Titles, p.Descriptions, p.Options.ToDictionary(o => o.Key, o => JsonSerializer.SerializeToElement(o.Value)));
}

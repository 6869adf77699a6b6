using System.Text.Json.Serialization;
using Microsoft.AspNetCore.Http.HttpResults;
using MikuCloud.Api.Models;

namespace MikuCloud.Api.OpenAi;

/// <summary><c>GET /v1/models</c> and <c>GET /v1/models/{id}</c>: the house models and presets as OpenAI model ids.</summary>
public static class OpenAiModelEndpoints
{
    /// <summary>OpenAI's <c>owned_by</c> for every listed model.</summary>
    public const string Owner = "mikucloud";

    /// <summary>An OpenAI model object.</summary>
    public sealed record ModelObject(
        [property: JsonPropertyName("id")] string Id,
        [property: JsonPropertyName("object")] string Object,
        [property: JsonPropertyName("created")] long Created,
        [property: JsonPropertyName("owned_by")] string OwnedBy);

    /// <summary>OpenAI's list envelope.</summary>
    public sealed record ModelList(
        [property: JsonPropertyName("object")] string Object,
        [property: JsonPropertyName("data")] IReadOnlyList<ModelObject> Data);

    public static IEndpointRouteBuilder MapOpenAiModelEndpoints(this IEndpointRouteBuilder app)
    {
        var group = app.MapGroup(OpenAiProblemWriter.PathPrefix + "/models").WithTags("OpenAI-compatible");
        group.MapGet("", List)
            .WithSummary("OpenAI-compatible: the model ids this server answers to.")
            .WithDescription("Each chat model's name is its default preset (miku-vl); name:preset picks a preset (miku-vl:precise); embedding models are listed by name. " +
                             "Errors use OpenAI's shape {\"error\": {message, type, param, code}}.");
        group.MapGet("/{id}", Get)
            .WithSummary("OpenAI-compatible: one model id.")
            .ProducesProblem(404);
        return app;
    }

    /// <summary>Every id of the models that are on, the default first; embedding models by name, last.</summary>
    public static async Task<Ok<ModelList>> List(OpenAiModelIds ids, HouseModelSwitches switches, CancellationToken cancellationToken)
    {
        var enabled = await switches.EnabledAsync(cancellationToken);
        return TypedResults.Ok(new ModelList("list", [.. ids.Listed(enabled).Select(e => ToObject(e.Id)), .. OpenAiModelIds.Embeddings(enabled).Select(ToObject)]));
    }

    /// <summary>One id, or OpenAI's 404 for an id this server does not serve.</summary>
    public static async Task<Ok<ModelObject>> Get(string id, OpenAiModelIds ids, HouseModelSwitches switches, CancellationToken cancellationToken)
    {
        var enabled = await switches.EnabledAsync(cancellationToken);
        return ids.Find(id, enabled) is { } entry ? TypedResults.Ok(ToObject(entry.Id))
            : OpenAiModelIds.Embeddings(enabled).FirstOrDefault(n => string.Equals(n, id, StringComparison.OrdinalIgnoreCase)) is { } embedding ? TypedResults.Ok(ToObject(embedding))
            : throw NotFound(id);
    }

    /// <summary>The refusal for an unknown <c>model</c>, as OpenAI words it.</summary>
    public static ApiProblem NotFound(string? id) =>
        new(404, ProblemCodes.ModelNotFound, $"The model '{Requests.Echo.Cap(id ?? "")}' does not exist. GET /v1/models lists the ids this server answers to.",
            new Dictionary<string, string[]> { ["model"] = ["Unknown model."] });

    // Models are files read at start: the process start stands in for OpenAI's creation time.
    private static readonly long Created = new DateTimeOffset(System.Diagnostics.Process.GetCurrentProcess().StartTime.ToUniversalTime()).ToUnixTimeSeconds();

    private static ModelObject ToObject(string id) => new(id, "model", Created, Owner);
}

using Microsoft.AspNetCore.Http.HttpResults;
using MikuCloud.Api.Accounts;
using MikuCloud.HouseModels;

namespace MikuCloud.Api.Models;

/// <summary>
/// Model operations for admins (<c>/api/admin/models…</c>): every model with its progress, unload one from memory,
/// re-create one after its Modelfile was edited, turn an optional one on (it is pulled and created) or off.
/// </summary>
public static class AdminModelEndpoints
{
    public static IEndpointRouteBuilder MapAdminModelEndpoints(this IEndpointRouteBuilder app)
    {
        ArgumentNullException.ThrowIfNull(app);
        var admin = app.MapGroup("/api/admin/models").WithTags("Admin").RequireAuthorization(AuthPolicies.Admin);

        admin.MapGet("", ListAsync)
            .WithSummary("Every house model, optional ones that are off included, with pull/create progress; poll it while one is provisioning.");
        admin.MapPost("/{name}/unload", UnloadAsync)
            .WithSummary("Unload a model from Ollama's memory now (keep_alive 0); it loads again on its next use.")
            .ProducesProblem(404).ProducesProblem(503);
        admin.MapPost("/{name}/recreate", RecreateAsync)
            .WithSummary("Read the model's Modelfile again and create the model anew if it changed (progress in the model list).")
            .ProducesProblem(400).ProducesProblem(404);
        admin.MapPut("/{name}/enabled", SetEnabledAsync)
            .WithSummary("Turn an optional model on (it is pulled and created in the background) or off (conversations can no longer pick it).")
            .ProducesProblem(404).ProducesProblem(409);
        return app;
    }

    private static async Task<Ok<IReadOnlyList<HouseModelDto>>> ListAsync(HouseModelListing listing, CancellationToken ct) =>
        TypedResults.Ok(await listing.ListAsync(includeOff: true, ct));

    private static async Task<NoContent> UnloadAsync(string name, HouseModelCatalog catalog, ChatModelChoice choice, OllamaRuntimeProbe probe, CancellationToken ct)
    {
        var model = Find(catalog, choice, name);
        // Every replica: the model is loaded wherever turns went. Refused only when none could be reached.
        var clients = probe.Clients();
        var unreached = 0;
        foreach (var (_, client) in clients)
        {
            try
            {
                if (model.IsChat)
                {
                    await client.UnloadAsync(choice.OllamaName(model), ct);
                }
                else
                {
                    await client.UnloadEmbeddingAsync(choice.OllamaName(model), ct);
                }
            }
            catch (OllamaApiException ex) when (ex.StatusCode == System.Net.HttpStatusCode.NotFound)
            {
                // Ollama does not have it: nothing is loaded, which is what was asked.
            }
            catch (Exception ex) when (ex is HttpRequestException or OllamaApiException)
            {
                unreached++;
            }
        }

        probe.Forget();
        return unreached == clients.Count
            ? throw new ApiProblem(503, ProblemCodes.OllamaUnreachable, "Ollama could not be reached to unload the model; try again.")
            : TypedResults.NoContent();
    }

    private static async Task<Accepted<HouseModelDto>> RecreateAsync(string name, HouseModelCatalog catalog, ChatModelChoice choice,
        HouseModelSwitches switches, HouseModelProvisioning provisioning, HouseModelListing listing, CancellationToken ct)
    {
        var model = Find(catalog, choice, name);
        if (!(await switches.EnabledAsync(ct)).Contains(model))
        {
            throw new ApiProblem(400, ProblemCodes.InvalidModel, $"{model.Name} is off: turn it on first (that creates it).");
        }

        HouseModel reread;
        try
        {
            reread = new HouseModel(model.Name, Modelfile.Load(model.Modelfile.Source));
        }
        catch (Exception ex) when (ex is ModelfileException or IOException)
        {
            // file:line: reason — the admin edited the file and needs to know where it is wrong.
            throw new ApiProblem(400, ProblemCodes.InvalidRequest, ex.Message);
        }

        try
        {
            // The API sends SYSTEM and PARAMETER itself with every request: it follows the edit now, not at a restart.
            model.AdoptEdit(reread);
        }
        catch (ModelfileException ex)
        {
            throw new ApiProblem(400, ProblemCodes.InvalidRequest, ex.Message);
        }

        _ = provisioning.Start(model, choice.OllamaName(model));
        return TypedResults.Accepted("/api/admin/models", await DtoAsync(listing, choice.OllamaName(model), ct));
    }

    private static async Task<Ok<HouseModelDto>> SetEnabledAsync(string name, ModelEnabledRequest request, HouseModelCatalog catalog, ChatModelChoice choice,
        HouseModelSwitches switches, HouseModelProvisioning provisioning, HouseModelListing listing, CancellationToken ct)
    {
        var model = Find(catalog, choice, name);
        await switches.SetAsync(model, request.Enabled, ct);
        if (request.Enabled)
        {
            _ = provisioning.Start(model, choice.OllamaName(model));
        }

        return TypedResults.Ok(await DtoAsync(listing, choice.OllamaName(model), ct));
    }

    private static HouseModel Find(HouseModelCatalog catalog, ChatModelChoice choice, string name) =>
        catalog.FindModel(name) ?? (ModelName.AreSame(name, choice.OllamaName(choice.Default)) ? choice.Default : null)
        ?? throw new ApiProblem(404, ProblemCodes.ModelNotFound, $"No house model is called '{Requests.Echo.Cap(name)}'.");

    private static async Task<HouseModelDto> DtoAsync(HouseModelListing listing, string name, CancellationToken ct) =>
        (await listing.ListAsync(includeOff: true, ct)).First(m => ModelName.AreSame(m.Name, name));
}

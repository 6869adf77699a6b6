using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;
using MikuCloud.Api.Conversations;
using MikuCloud.Api.Data;
using MikuCloud.HouseModels;

namespace MikuCloud.Api.Knowledge;

/// <summary>The knowledge-base endpoints: list (own and shared), create, read, rename or share, delete.</summary>
public static class KnowledgeBaseEndpoints
{
    private const int MaxName = 200, MaxDescription = 2_000;

    internal static async Task<Ok<List<KnowledgeBaseDto>>> ListAsync(HttpContext http, KnowledgeStore store, CancellationToken cancellationToken)
    {
        var owner = CurrentOwner.Of(http);
        var bases = await store.Readable(owner).OrderByDescending(b => b.CreatedAt).ThenByDescending(b => b.Id).ToListAsync(cancellationToken);
        return TypedResults.Ok(await store.ToDtosAsync(bases, owner, cancellationToken));
    }

    internal static async Task<Created<KnowledgeBaseDto>> CreateAsync(KnowledgeBaseRequest request, HttpContext http, ChatDbContext db, KnowledgeStore store,
        HouseModelCatalog catalog, TimeProvider time, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        var owner = CurrentOwner.Of(http);
        var (name, description) = Validate(request, nameRequired: true);
        var now = Timestamps.Now(time);
        var knowledgeBase = new KnowledgeBase
        {
            Id = Guid.CreateVersion7(), OwnerId = owner, Name = name!, Description = description, Shared = SharedFor(http, request.Shared) ?? false,
            EmbeddingModel = catalog.Models.FirstOrDefault(m => m.Purpose == ModelPurpose.Embedding)?.Name ?? "", CreatedAt = now, UpdatedAt = now,
        };
        db.KnowledgeBases.Add(knowledgeBase);
        await db.SaveChangesAsync(cancellationToken);
        return TypedResults.Created(KnowledgeMapping.BaseUrl(knowledgeBase.Id), await store.ToDtoAsync(knowledgeBase, owner, cancellationToken));
    }

    internal static async Task<Ok<KnowledgeBaseDto>> GetAsync(Guid id, HttpContext http, KnowledgeStore store, CancellationToken cancellationToken)
    {
        var owner = CurrentOwner.Of(http);
        return TypedResults.Ok(await store.ToDtoAsync(await store.FindReadableBaseAsync(owner, id, cancellationToken), owner, cancellationToken));
    }

    internal static async Task<Ok<KnowledgeBaseDto>> UpdateAsync(Guid id, KnowledgeBaseRequest request, HttpContext http, ChatDbContext db, KnowledgeStore store,
        TimeProvider time, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        var owner = CurrentOwner.Of(http);
        var knowledgeBase = await store.FindOwnedBaseAsync(owner, id, cancellationToken);
        var (name, description) = Validate(request, nameRequired: false);
        knowledgeBase.Name = name ?? knowledgeBase.Name;
        knowledgeBase.Description = request.Description is null ? knowledgeBase.Description : description;
        knowledgeBase.Shared = SharedFor(http, request.Shared) ?? knowledgeBase.Shared;
        knowledgeBase.UpdatedAt = Timestamps.Now(time);
        await db.SaveChangesAsync(cancellationToken);
        return TypedResults.Ok(await store.ToDtoAsync(knowledgeBase, owner, cancellationToken));
    }

    internal static async Task<NoContent> DeleteAsync(Guid id, HttpContext http, KnowledgeStore store, KnowledgeRemoval removal, CancellationToken cancellationToken)
    {
        var knowledgeBase = await store.FindOwnedBaseAsync(CurrentOwner.Of(http), id, cancellationToken);
        await removal.RemoveBaseAsync(knowledgeBase.Id, cancellationToken);
        return TypedResults.NoContent();
    }

    /// <summary>The name (trimmed; required on create) and description (trimmed; empty means none), or 400 naming the fields.</summary>
    private static (string? Name, string? Description) Validate(KnowledgeBaseRequest request, bool nameRequired)
    {
        var errors = new Dictionary<string, string[]>(StringComparer.Ordinal);
        var name = request.Name?.Trim();
        if ((name is null && nameRequired) || name is { Length: 0 or > MaxName })
        {
            errors["name"] = [$"name must be 1–{MaxName} characters."];
        }

        var description = request.Description?.Trim();
        if (description is { Length: > MaxDescription })
        {
            errors["description"] = [$"description must be at most {MaxDescription:N0} characters."];
        }

        return errors.Count > 0
            ? throw new ApiProblem(StatusCodes.Status400BadRequest, ProblemCodes.InvalidRequest, "Some fields are not valid.", errors)
            : (name, description is { Length: 0 } ? null : description);
    }

    /// <summary><c>shared</c> as asked (null: not asked); only an admin may turn it on (403 otherwise), and only on their own bases.</summary>
    private static bool? SharedFor(HttpContext http, bool? shared) =>
        shared is not true || http.User.IsInRole(Roles.Admin) ? shared : throw KnowledgeProblems.SharingIsForAdmins();
}

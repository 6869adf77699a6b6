using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;
using MikuCloud.Api.Data;
using MikuCloud.Api.Knowledge;
using MikuCloud.Api.Models;
using MikuCloud.Api.Requests;
using MikuCloud.HouseModels;
using static MikuCloud.Api.Conversations.ConversationProblems;

namespace MikuCloud.Api.Conversations;

/// <summary>
/// Conversations over HTTP: create, list and search, read, change and delete (this file), their messages
/// (<see cref="MessageEndpoints"/>), export (<see cref="ExportEndpoints"/>) and stored images (<see cref="ImageEndpoints"/>).
/// Every query is filtered by <see cref="CurrentOwner"/>; unknown and malformed ids are both 404; bad input is a 400
/// problem with <c>errors</c>. (Sending messages and regenerating live in <c>Chat/</c>.)
/// </summary>
public static class ConversationEndpoints
{
    /// <summary>Longest <c>q</c> accepted by the conversation search.</summary>
    public const int MaxSearchLength = 200;

    public static IEndpointRouteBuilder MapConversationEndpoints(this IEndpointRouteBuilder app)
    {
        ArgumentNullException.ThrowIfNull(app);
        var group = app.MapGroup("/api/conversations").WithTags("Conversations");

        group.MapPost("", CreateAsync)
            .ProducesValidationProblem()
            .WithName("CreateConversation")
            .WithSummary("Create a conversation.")
            .WithDescription("Body (optional, JSON): title (default \"\" = untitled; ≤ 200 chars), presetId (default: the default preset), " +
                "systemPrompt (≤ 20,000 chars; default: the house model's), options (Ollama option overrides), model (a chat model from GET /api/models; " +
                "default: the default model), knowledgeBaseIds (knowledge bases its answers draw on; default: none). Returns 201 with Location.")
            .Accepts<CreateConversationRequest>(isOptional: true, "application/json")
            .WithBodyLimit(ConversationFields.MaxBodyBytes)
            .ProducesProblem(StatusCodes.Status413PayloadTooLarge)
            .ProducesProblem(StatusCodes.Status415UnsupportedMediaType);

        group.MapGet("", ListAsync)
            .ProducesValidationProblem()
            .WithName("ListConversations")
            .WithSummary("List conversations, most recently updated first.")
            .WithDescription($"limit: 1–{Paging.MaxLimit} (default {Paging.DefaultLimit}); cursor: the previous page's nextCursor; " +
                $"q: case-insensitive text to find in titles (≤ {MaxSearchLength} chars).")
            .WithLimitAsInteger();

        group.MapGet("/{id:guid}", GetAsync)
            .WithName("GetConversation")
            .WithSummary("Get a conversation.")
            .ProducesProblem(StatusCodes.Status404NotFound);

        group.MapPatch("/{id:guid}", UpdateAsync)
            .ProducesValidationProblem()
            .WithName("UpdateConversation")
            .WithSummary("Change a conversation's title, preset, system prompt, options, model or knowledge bases; only the fields present change.")
            .WithDescription("Send null to reset a field (title → untitled, presetId → default preset, systemPrompt → the house model's, options → none, " +
                "knowledgeBaseIds → none). options and knowledgeBaseIds replace the previous value as a whole. A new model takes its default preset unless " +
                "presetId names one of its presets. A knowledge base the caller cannot read is a 404 knowledge_base_not_found, as an unknown one.")
            .Accepts<UpdateConversationRequest>("application/json")
            .WithBodyLimit(ConversationFields.MaxBodyBytes)
            .ProducesProblem(StatusCodes.Status404NotFound)
            .ProducesProblem(StatusCodes.Status413PayloadTooLarge)
            .ProducesProblem(StatusCodes.Status415UnsupportedMediaType);

        group.MapDelete("/{id:guid}", DeleteAsync)
            .WithName("DeleteConversation")
            .WithSummary("Delete a conversation with all its messages and images.")
            .ProducesProblem(StatusCodes.Status404NotFound);

        // Mapped in this order so the OpenAPI document lists the operations as it always has.
        group.MapMessageEndpoints();
        group.MapExportEndpoints();
        app.MapImageEndpoints();
        return app;
    }

    private static async Task<Created<ConversationDto>> CreateAsync(HttpContext http, ChatDbContext db, HouseModelCatalog catalog, ChatModelChoice models,
        ConversationKnowledgeStore knowledge, TimeProvider time, CancellationToken cancellationToken)
    {
        var body = await ConversationBody.ReadAsync(http, optional: true, cancellationToken);

        var now = Timestamps.Now(time);
        var conversation = new Conversation
        {
            Id = Guid.CreateVersion7(),
            OwnerId = CurrentOwner.Of(http),
            Title = "",
            PresetId = catalog.DefaultPreset.Id,
            CreatedAt = now,
            UpdatedAt = now,
        };
        if (body is { } json && ConversationFields.Apply(json, conversation, catalog) is { Count: > 0 } errors)
        {
            throw Invalid(errors);
        }

        IReadOnlyList<Guid> bases = [];
        if (body is { } fields)
        {
            await ConversationModelField.ApplyAsync(fields, conversation, models, catalog, cancellationToken);
            bases = ConversationKnowledgeField.Read(fields) is { } named ? await knowledge.ReadableAsync(conversation.OwnerId, named, cancellationToken) : [];
        }

        db.Conversations.Add(conversation);
        await knowledge.ReplaceAsync(conversation.Id, bases, cancellationToken);
        await db.SaveChangesAsync(cancellationToken);
        return TypedResults.Created(Mapping.ConversationUrl(conversation.Id), Mapping.ToDto(conversation, bases));
    }

    private static async Task<Ok<Page<ConversationDto>>> ListAsync(
        string? limit, string? cursor, string? q, HttpContext http, ChatDbContext db, ConversationKnowledgeStore knowledge, CancellationToken cancellationToken)
    {
        var errors = new Dictionary<string, string[]>(StringComparer.Ordinal);
        Paging.TryParseLimit(limit, errors, out var take);
        cursor = string.IsNullOrEmpty(cursor) ? null : cursor; // "?cursor=" is the first page
        DateTime afterUpdatedAt = default;
        Guid afterId = default;
        if (cursor is not null && !Cursors.TryParseConversation(cursor, out afterUpdatedAt, out afterId))
        {
            errors["cursor"] = ["cursor is not valid: pass the nextCursor of the previous page unchanged."];
        }

        var term = q?.Trim();
        if (term is { Length: > MaxSearchLength })
        {
            errors["q"] = [$"q may have at most {MaxSearchLength} characters."];
        }

        if (errors.Count > 0)
        {
            throw Invalid(errors);
        }

        var owner = CurrentOwner.Of(http);
        var query = db.Conversations.AsNoTracking().Where(c => c.OwnerId == owner);
        if (!string.IsNullOrEmpty(term))
        {
            var lowered = term.ToLowerInvariant();
            query = query.Where(c => c.Title.ToLower().Contains(lowered));
        }

        if (cursor is not null)
        {
            query = query.Where(c => c.UpdatedAt < afterUpdatedAt || (c.UpdatedAt == afterUpdatedAt && c.Id.CompareTo(afterId) < 0));
        }

        var rows = await query.OrderByDescending(c => c.UpdatedAt).ThenByDescending(c => c.Id).Take(take + 1).ToListAsync(cancellationToken);
        string? next = null;
        if (rows.Count > take)
        {
            rows.RemoveAt(rows.Count - 1);
            next = Cursors.ForConversation(rows[^1].UpdatedAt, rows[^1].Id);
        }

        var bases = await knowledge.OfAsync(owner, rows.Select(c => c.Id).ToList(), cancellationToken);
        return TypedResults.Ok(new Page<ConversationDto>(rows.Select(c => Mapping.ToDto(c, bases.GetValueOrDefault(c.Id))).ToList(), next));
    }

    private static async Task<Ok<ConversationDto>> GetAsync(
        Guid id, HttpContext http, ChatDbContext db, ConversationKnowledgeStore knowledge, CancellationToken cancellationToken)
    {
        var owner = CurrentOwner.Of(http);
        var conversation = await db.Conversations.AsNoTracking().FirstOrDefaultAsync(c => c.Id == id && c.OwnerId == owner, cancellationToken);
        return conversation is null
            ? throw ConversationNotFound(id)
            : TypedResults.Ok(Mapping.ToDto(conversation, await knowledge.OfAsync(owner, id, cancellationToken)));
    }

    private static async Task<Ok<ConversationDto>> UpdateAsync(Guid id, HttpContext http, ChatDbContext db, HouseModelCatalog catalog, ChatModelChoice models,
        ConversationKnowledgeStore knowledge, TimeProvider time, CancellationToken cancellationToken)
    {
        var owner = CurrentOwner.Of(http);
        var conversation = await db.Conversations.FirstOrDefaultAsync(c => c.Id == id && c.OwnerId == owner, cancellationToken);
        if (conversation is null)
        {
            throw ConversationNotFound(id);
        }

        var body = await ConversationBody.ReadAsync(http, optional: false, cancellationToken);
        if (ConversationFields.Apply(body!.Value, conversation, catalog) is { Count: > 0 } errors)
        {
            throw Invalid(errors);
        }

        await ConversationModelField.ApplyAsync(body.Value, conversation, models, catalog, cancellationToken);
        if (ConversationKnowledgeField.Read(body.Value) is { } named)
        {
            await knowledge.ReplaceAsync(id, await knowledge.ReadableAsync(owner, named, cancellationToken), cancellationToken);
        }

        if (db.ChangeTracker.HasChanges())
        {
            conversation.UpdatedAt = Timestamps.Now(time);
            await db.SaveChangesAsync(cancellationToken);
        }

        return TypedResults.Ok(Mapping.ToDto(conversation, await knowledge.OfAsync(owner, id, cancellationToken)));
    }

    private static async Task<NoContent> DeleteAsync(
        Guid id, HttpContext http, ChatDbContext db, MikuCloud.Api.Chat.ActiveTurns active, CancellationToken cancellationToken)
    {
        var owner = CurrentOwner.Of(http);
        // Stop an answer still streaming here first, so Ollama stops generating for a conversation that is gone; only
        // the owner's own answer: someone else's id must change nothing (issue 13, item 8).
        active.Cancel(id, owner);
        // Messages and their images go with it (ON DELETE CASCADE).
        var deleted = await db.Conversations.Where(c => c.Id == id && c.OwnerId == owner).ExecuteDeleteAsync(cancellationToken);
        return deleted == 0 ? throw ConversationNotFound(id) : TypedResults.NoContent();
    }
}

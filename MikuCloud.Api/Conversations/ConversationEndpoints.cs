using System.Globalization;
using System.Text.Json;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Http.Json;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using Microsoft.Net.Http.Headers;
using Microsoft.OpenApi;
using MikuCloud.Api.Data;
using MikuCloud.Api.Requests;
using MikuCloud.HouseModels;

namespace MikuCloud.Api.Conversations;

/// <summary>
/// Conversations, their message history, export and stored images. Every query is filtered by
/// <see cref="CurrentOwner"/>; unknown and malformed ids are both 404; bad input is a 400 problem with <c>errors</c>.
/// (Sending messages and regenerating live in <c>Chat/</c>.)
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
            .WithName("CreateConversation")
            .WithSummary("Create a conversation.")
            .WithDescription("Body (optional, JSON): title (default \"\" = untitled; ≤ 200 chars), presetId (default: the default preset), " +
                "systemPrompt (≤ 20,000 chars; default: the house model's), options (Ollama option overrides). Returns 201 with Location.")
            .Accepts<CreateConversationRequest>(isOptional: true, "application/json")
            .WithBodyLimit(ConversationFields.MaxBodyBytes)
            .ProducesProblem(StatusCodes.Status413PayloadTooLarge)
            .ProducesProblem(StatusCodes.Status415UnsupportedMediaType);

        group.MapGet("", ListAsync)
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
            .WithName("UpdateConversation")
            .WithSummary("Change a conversation's title, preset, system prompt or options; only the fields present change.")
            .WithDescription("Send null to reset a field (title → untitled, presetId → default preset, systemPrompt → the house model's, options → none). " +
                "options replaces the previous object as a whole.")
            .Accepts<UpdateConversationRequest>("application/json")
            .WithBodyLimit(ConversationFields.MaxBodyBytes)
            .ProducesProblem(StatusCodes.Status404NotFound)
            .ProducesProblem(StatusCodes.Status413PayloadTooLarge)
            .ProducesProblem(StatusCodes.Status415UnsupportedMediaType);

        group.MapDelete("/{id:guid}", DeleteAsync)
            .WithName("DeleteConversation")
            .WithSummary("Delete a conversation with all its messages and images.")
            .ProducesProblem(StatusCodes.Status404NotFound);

        group.MapGet("/{id:guid}/messages", ListMessagesAsync)
            .WithName("ListMessages")
            .WithSummary("A page of a conversation's messages, oldest to newest (newest last); the first page is the newest.")
            .WithDescription($"limit: 1–{Paging.MaxLimit} (default {Paging.DefaultLimit}); before: the previous page's nextCursor, to page back to older messages.")
            .WithLimitAsInteger()
            .ProducesProblem(StatusCodes.Status404NotFound);

        group.MapGet("/{id:guid}/export", ExportAsync)
            .WithName("ExportConversation")
            .WithSummary("Download a conversation as Markdown (format=md, the default) or JSON (format=json).")
            .Produces(StatusCodes.Status200OK, contentType: ConversationExport.MarkdownMediaType)
            .Produces<ConversationExportDto>(StatusCodes.Status200OK, "application/json")
            .ProducesValidationProblem()
            .ProducesProblem(StatusCodes.Status404NotFound);

        app.MapGet("/api/images/{id:guid}", GetImageAsync)
            .WithTags("Images")
            .WithName("GetImage")
            .WithSummary("A stored image (as processed for the model: upright, metadata stripped, within the pixel budget).")
            .Produces(StatusCodes.Status200OK, typeof(byte[]), "image/jpeg", "image/png")
            .Produces(StatusCodes.Status304NotModified)
            .ProducesProblem(StatusCodes.Status404NotFound);

        return app;
    }

    /// <summary><c>limit</c> is bound as text (so a bad value is a 400 with <c>errors.limit</c>) but documented as the integer it is.</summary>
    private static RouteHandlerBuilder WithLimitAsInteger(this RouteHandlerBuilder builder) =>
        builder.AddOpenApiOperationTransformer((operation, _, _) =>
        {
            foreach (var parameter in (operation.Parameters ?? []).OfType<OpenApiParameter>().Where(p => p.Name == "limit"))
            {
                parameter.Schema = new OpenApiSchema
                {
                    Type = JsonSchemaType.Integer,
                    Format = "int32",
                    Minimum = "1",
                    Maximum = Paging.MaxLimit.ToString(CultureInfo.InvariantCulture),
                    Default = Paging.DefaultLimit,
                };
            }

            return Task.CompletedTask;
        });

    private static async Task<Results<Created<ConversationDto>, ValidationProblem, ProblemHttpResult>> CreateAsync(
        HttpContext http, ChatDbContext db, HouseModelCatalog catalog, TimeProvider time, CancellationToken cancellationToken)
    {
        var body = await ReadBodyAsync(http, optional: true, cancellationToken);
        if (body.Invalid is { } invalid)
        {
            return invalid;
        }

        if (body.Unsupported is { } unsupported)
        {
            return unsupported;
        }

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
        if (body.Json is { } json && ConversationFields.Apply(json, conversation, catalog) is { Count: > 0 } errors)
        {
            return TypedResults.ValidationProblem(errors, extensions: Code(ProblemCodes.InvalidRequest));
        }

        db.Conversations.Add(conversation);
        await db.SaveChangesAsync(cancellationToken);
        return TypedResults.Created(Mapping.ConversationUrl(conversation.Id), Mapping.ToDto(conversation));
    }

    private static async Task<Results<Ok<Page<ConversationDto>>, ValidationProblem>> ListAsync(
        string? limit, string? cursor, string? q, HttpContext http, ChatDbContext db, CancellationToken cancellationToken)
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
            return TypedResults.ValidationProblem(errors, extensions: Code(ProblemCodes.InvalidRequest));
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

        return TypedResults.Ok(new Page<ConversationDto>(rows.Select(Mapping.ToDto).ToList(), next));
    }

    private static async Task<Results<Ok<ConversationDto>, ProblemHttpResult>> GetAsync(
        Guid id, HttpContext http, ChatDbContext db, CancellationToken cancellationToken)
    {
        var owner = CurrentOwner.Of(http);
        var conversation = await db.Conversations.AsNoTracking().FirstOrDefaultAsync(c => c.Id == id && c.OwnerId == owner, cancellationToken);
        return conversation is null ? ConversationNotFound(id) : TypedResults.Ok(Mapping.ToDto(conversation));
    }

    private static async Task<Results<Ok<ConversationDto>, ValidationProblem, ProblemHttpResult>> UpdateAsync(
        Guid id, HttpContext http, ChatDbContext db, HouseModelCatalog catalog, TimeProvider time, CancellationToken cancellationToken)
    {
        var owner = CurrentOwner.Of(http);
        var conversation = await db.Conversations.FirstOrDefaultAsync(c => c.Id == id && c.OwnerId == owner, cancellationToken);
        if (conversation is null)
        {
            return ConversationNotFound(id);
        }

        var body = await ReadBodyAsync(http, optional: false, cancellationToken);
        if (body.Invalid is { } invalid)
        {
            return invalid;
        }

        if (body.Unsupported is { } unsupported)
        {
            return unsupported;
        }

        if (ConversationFields.Apply(body.Json!.Value, conversation, catalog) is { Count: > 0 } errors)
        {
            return TypedResults.ValidationProblem(errors, extensions: Code(ProblemCodes.InvalidRequest));
        }

        if (db.ChangeTracker.HasChanges())
        {
            conversation.UpdatedAt = Timestamps.Now(time);
            await db.SaveChangesAsync(cancellationToken);
        }

        return TypedResults.Ok(Mapping.ToDto(conversation));
    }

    private static async Task<Results<NoContent, ProblemHttpResult>> DeleteAsync(
        Guid id, HttpContext http, ChatDbContext db, MikuCloud.Api.Chat.ActiveTurns active, CancellationToken cancellationToken)
    {
        var owner = CurrentOwner.Of(http);
        // Stop an answer still streaming here first, so Ollama stops generating for a conversation that is gone; only
        // the owner's own answer: someone else's id must change nothing (issue 13, item 8).
        active.Cancel(id, owner);
        // Messages and their images go with it (ON DELETE CASCADE).
        var deleted = await db.Conversations.Where(c => c.Id == id && c.OwnerId == owner).ExecuteDeleteAsync(cancellationToken);
        return deleted == 0 ? ConversationNotFound(id) : TypedResults.NoContent();
    }

    private static async Task<Results<Ok<Page<MessageDto>>, ValidationProblem, ProblemHttpResult>> ListMessagesAsync(
        Guid id, string? limit, string? before, HttpContext http, ChatDbContext db, CancellationToken cancellationToken)
    {
        var errors = new Dictionary<string, string[]>(StringComparer.Ordinal);
        Paging.TryParseLimit(limit, errors, out var take);
        before = string.IsNullOrEmpty(before) ? null : before; // "?before=" is the newest page
        long beforeSeq = 0;
        if (before is not null && !Cursors.TryParseMessage(before, out beforeSeq))
        {
            errors["before"] = ["before is not valid: pass the nextCursor of the previous page unchanged."];
        }

        if (errors.Count > 0)
        {
            return TypedResults.ValidationProblem(errors, extensions: Code(ProblemCodes.InvalidRequest));
        }

        if (!await ExistsAsync(db, id, CurrentOwner.Of(http), cancellationToken))
        {
            return ConversationNotFound(id);
        }

        var (items, hasOlder, oldestSeq) = await MessageQueries.PageAsync(db, id, before is null ? null : beforeSeq, take, cancellationToken);
        return TypedResults.Ok(new Page<MessageDto>(items, hasOlder ? Cursors.ForMessage(oldestSeq) : null));
    }

    private static async Task<IResult> ExportAsync(
        Guid id, string? format, HttpContext http, ChatDbContext db, TimeProvider time, IOptions<JsonOptions> json, CancellationToken cancellationToken)
    {
        var kind = format?.Trim().ToLowerInvariant() switch
        {
            null or "" or "md" or "markdown" => ExportFormat.Markdown,
            "json" => ExportFormat.Json,
            _ => (ExportFormat?)null,
        };
        if (kind is null)
        {
            return TypedResults.ValidationProblem(new Dictionary<string, string[]>
            {
                ["format"] = ["format must be 'md' (Markdown, the default) or 'json'."],
            }, extensions: Code(ProblemCodes.InvalidRequest));
        }

        var owner = CurrentOwner.Of(http);
        var conversation = await db.Conversations.AsNoTracking().FirstOrDefaultAsync(c => c.Id == id && c.OwnerId == owner, cancellationToken);
        if (conversation is null)
        {
            return ConversationNotFound(id);
        }

        var messages = await MessageQueries.AllAsync(db, id, cancellationToken);
        var export = new ConversationExportDto(ConversationExport.FormatId, Timestamps.Now(time), Mapping.ToDto(conversation), messages);
        return ConversationExport.ToResult(http, export, kind.Value, json.Value.SerializerOptions);
    }

    private static async Task<IResult> GetImageAsync(Guid id, HttpContext http, ChatDbContext db, CancellationToken cancellationToken)
    {
        var owner = CurrentOwner.Of(http);
        // Stored images never change, so the id is a strong validator.
        var etag = new EntityTagHeaderValue($"\"{id:N}\"");
        var request = http.Request.GetTypedHeaders();
        if (request.IfNoneMatch.Any(t => t.Compare(etag, useStrongComparison: false) || t.Equals(EntityTagHeaderValue.Any)))
        {
            var found = await db.Images.AsNoTracking().Where(i => i.Id == id && i.OwnerId == owner).Select(i => i.MediaType).FirstOrDefaultAsync(cancellationToken);
            if (found is null)
            {
                return ImageNotFound(id);
            }

            SetImageHeaders(http, id, found, etag);
            return TypedResults.StatusCode(StatusCodes.Status304NotModified);
        }

        var image = await db.Images.AsNoTracking().Where(i => i.Id == id && i.OwnerId == owner)
            .Select(i => new { i.Data, i.MediaType }).FirstOrDefaultAsync(cancellationToken);
        if (image is null)
        {
            return ImageNotFound(id);
        }

        var mediaType = SetImageHeaders(http, id, image.MediaType, etag);
        return TypedResults.Bytes(image.Data, mediaType);
    }

    private static string SetImageHeaders(HttpContext http, Guid id, string storedMediaType, EntityTagHeaderValue etag)
    {
        // Only raster types the image pipeline produces are served as images; anything else as opaque bytes.
        var mediaType = storedMediaType is "image/jpeg" or "image/png" or "image/webp" or "image/gif" ? storedMediaType : "application/octet-stream";
        var extension = mediaType switch
        {
            "image/jpeg" => "jpg",
            "image/png" => "png",
            "image/webp" => "webp",
            "image/gif" => "gif",
            _ => "bin",
        };
        var headers = http.Response.Headers;
        headers.XContentTypeOptions = "nosniff";
        headers.ContentDisposition = $"inline; filename=\"{id:N}.{extension}\"";
        headers.CacheControl = "private, max-age=31536000, immutable";
        headers.ContentSecurityPolicy = "default-src 'none'; sandbox";
        headers.ETag = etag.ToString();
        return mediaType;
    }

    private static Task<bool> ExistsAsync(ChatDbContext db, Guid id, string owner, CancellationToken cancellationToken) =>
        db.Conversations.AnyAsync(c => c.Id == id && c.OwnerId == owner, cancellationToken);

    private static ProblemHttpResult ConversationNotFound(Guid id) =>
        TypedResults.Problem(statusCode: StatusCodes.Status404NotFound, title: "Conversation not found", detail: $"There is no conversation {id}.",
            extensions: Code(ProblemCodes.ConversationNotFound));

    private static ProblemHttpResult ImageNotFound(Guid id) =>
        TypedResults.Problem(statusCode: StatusCodes.Status404NotFound, title: "Image not found", detail: $"There is no image {id}.",
            extensions: Code(ProblemCodes.ImageNotFound));

    /// <summary>The JSON body of a create or patch, parsed by hand so that every malformed body is a problem with <c>errors</c>.</summary>
    private sealed record Body(JsonElement? Json, ValidationProblem? Invalid = null, ProblemHttpResult? Unsupported = null);

    private static async Task<Body> ReadBodyAsync(HttpContext http, bool optional, CancellationToken cancellationToken)
    {
        var request = http.Request;
        var canHaveBody = http.Features.Get<IHttpRequestBodyDetectionFeature>()?.CanHaveBody ?? true;
        if (!canHaveBody || request.ContentLength == 0)
        {
            return optional ? new Body(null) : new Body(null, Invalid: TypedResults.ValidationProblem(new Dictionary<string, string[]> { ["body"] = ["A JSON object body is required."] },
                extensions: Code(ProblemCodes.InvalidRequest)));
        }

        if (!request.HasJsonContentType())
        {
            return new Body(null, Unsupported: TypedResults.Problem(statusCode: StatusCodes.Status415UnsupportedMediaType, title: "Unsupported media type",
                detail: "Send the body as application/json.", extensions: Code(ProblemCodes.UnsupportedMediaType)));
        }

        try
        {
            // Bounded by the operation's body limit (BodyLimits): over it, Kestrel stops the read and the answer is a 413.
            using var document = await JsonDocument.ParseAsync(request.Body, new JsonDocumentOptions { MaxDepth = 16 }, cancellationToken);
            // System.Text.Json parses invalid UTF-8 and escaped unpaired surrogates; they fail only when read (or stored).
            return JsonText.FindInvalid(document.RootElement) is { } invalid
                ? new Body(null, Invalid: AsValidationProblem(JsonErrors.InvalidText(invalid)))
                : new Body(document.RootElement.Clone());
        }
        catch (JsonException ex)
        {
            return new Body(null, Invalid: AsValidationProblem(JsonErrors.Malformed(ex)));
        }
    }

    private static ValidationProblem AsValidationProblem(ApiProblem problem) =>
        TypedResults.ValidationProblem(problem.Errors!, problem.Message, extensions: Code(problem.Code));

    /// <summary>The <c>code</c> extension every problem carries (these typed results are answered as values, not thrown).</summary>
    private static Dictionary<string, object?> Code(string code) => new() { ["code"] = code };
}

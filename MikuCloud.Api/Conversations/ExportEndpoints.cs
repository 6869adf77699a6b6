using Microsoft.AspNetCore.Http.Json;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using MikuCloud.Api.Data;
using static MikuCloud.Api.Conversations.ConversationProblems;

namespace MikuCloud.Api.Conversations;

/// <summary>A whole conversation as a download: Markdown or JSON (<see cref="ConversationExport"/> writes it).</summary>
public static class ExportEndpoints
{
    internal static RouteGroupBuilder MapExportEndpoints(this RouteGroupBuilder group)
    {
        group.MapGet("/{id:guid}/export", ExportAsync)
            .WithName("ExportConversation")
            .WithSummary("Download a conversation as Markdown (format=md, the default) or JSON (format=json).")
            .Produces(StatusCodes.Status200OK, contentType: ConversationExport.MarkdownMediaType)
            .Produces<ConversationExportDto>(StatusCodes.Status200OK, "application/json")
            .ProducesValidationProblem()
            .ProducesProblem(StatusCodes.Status404NotFound);

        return group;
    }

    private static async Task<IResult> ExportAsync(
        Guid id, string? format, HttpContext http, ChatDbContext db, Knowledge.ConversationKnowledgeStore knowledge, TimeProvider time, IOptions<JsonOptions> json,
        CancellationToken cancellationToken)
    {
        var kind = format?.Trim().ToLowerInvariant() switch
        {
            null or "" or "md" or "markdown" => ExportFormat.Markdown,
            "json" => ExportFormat.Json,
            _ => (ExportFormat?)null,
        };
        if (kind is null)
        {
            throw Invalid(new Dictionary<string, string[]> { ["format"] = ["format must be 'md' (Markdown, the default) or 'json'."] });
        }

        var owner = CurrentOwner.Of(http);
        var conversation = await db.Conversations.AsNoTracking().FirstOrDefaultAsync(c => c.Id == id && c.OwnerId == owner, cancellationToken);
        if (conversation is null)
        {
            throw ConversationNotFound(id);
        }

        var messages = await MessageQueries.AllAsync(db, id, cancellationToken);
        var export = new ConversationExportDto(ConversationExport.FormatId, Timestamps.Now(time), Mapping.ToDto(conversation, await knowledge.OfAsync(owner, id, cancellationToken)), messages);
        return ConversationExport.ToResult(http, export, kind.Value, json.Value.SerializerOptions);
    }
}

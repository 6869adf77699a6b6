using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;
using MikuCloud.Api.Data;
using static MikuCloud.Api.Conversations.ConversationProblems;

namespace MikuCloud.Api.Conversations;

/// <summary>A conversation's message history over HTTP, a page at a time (newest page first).</summary>
public static class MessageEndpoints
{
    internal static RouteGroupBuilder MapMessageEndpoints(this RouteGroupBuilder group)
    {
        group.MapGet("/{id:guid}/messages", ListMessagesAsync)
            .ProducesValidationProblem()
            .WithName("ListMessages")
            .WithSummary("A page of the chosen branch's messages, oldest to newest (newest last); the first page is the newest.")
            .WithDescription($"limit: 1–{Paging.MaxLimit} (default {Paging.DefaultLimit}); before: the previous page's nextCursor, to page back to older messages. " +
                             "Each message carries its parentId and siblings (the alternatives an edit or a regenerate made: ‹ position/count ›); " +
                             "PUT …/branch chooses another branch.")
            .WithLimitAsInteger()
            .ProducesProblem(StatusCodes.Status404NotFound);

        return group;
    }

    private static async Task<Ok<Page<MessageDto>>> ListMessagesAsync(
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
            throw Invalid(errors);
        }

        if (!await ExistsAsync(db, id, CurrentOwner.Of(http), cancellationToken))
        {
            throw ConversationNotFound(id);
        }

        var (items, hasOlder, oldestSeq) = await MessageQueries.PageAsync(db, id, before is null ? null : beforeSeq, take, cancellationToken);
        return TypedResults.Ok(new Page<MessageDto>(items, hasOlder ? Cursors.ForMessage(oldestSeq) : null));
    }

    private static Task<bool> ExistsAsync(ChatDbContext db, Guid id, string owner, CancellationToken cancellationToken) =>
        db.Conversations.AnyAsync(c => c.Id == id && c.OwnerId == owner, cancellationToken);
}

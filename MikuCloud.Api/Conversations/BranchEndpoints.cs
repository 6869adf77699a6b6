using System.Text.Json;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;
using MikuCloud.Api.Data;
using static MikuCloud.Api.Conversations.ConversationProblems;

namespace MikuCloud.Api.Conversations;

/// <summary>
/// <c>PUT /api/conversations/{id}/branch</c>: which branch of the message tree the conversation shows and continues
/// (the <c>‹ 2/3 ›</c> switcher). The chosen branch runs through the named message down to the newest message under it.
/// </summary>
public static class BranchEndpoints
{
    internal static RouteGroupBuilder MapBranchEndpoints(this RouteGroupBuilder group)
    {
        group.MapPut("/{id:guid}/branch", SwitchAsync)
            .WithName("SwitchBranch")
            .WithSummary("Choose the branch a conversation shows and continues: the one through messageId (any of its messages).")
            .WithDescription("Body: {messageId}. The branch runs from the first question through that message and on to the newest message " +
                             "under it; the next question follows its end, and the model's history is that branch. Answers the branch's newest " +
                             "page of messages, as GET …/messages does.")
            .Accepts<SwitchBranchRequest>("application/json")
            .ProducesValidationProblem()
            .ProducesProblem(StatusCodes.Status404NotFound)
            .ProducesProblem(StatusCodes.Status415UnsupportedMediaType);
        return group;
    }

    private static async Task<Ok<Page<MessageDto>>> SwitchAsync(Guid id, HttpContext http, ChatDbContext db, CancellationToken cancellationToken)
    {
        // Ownership first: another user's conversation answers exactly as an unknown one, whatever the body says.
        var owner = CurrentOwner.Of(http);
        var conversation = await db.Conversations.FirstOrDefaultAsync(c => c.Id == id && c.OwnerId == owner, cancellationToken)
                           ?? throw ConversationNotFound(id);
        var body = (await ConversationBody.ReadAsync(http, optional: false, cancellationToken))!.Value;
        var messageId = body.ValueKind == JsonValueKind.Object && body.TryGetProperty("messageId", out var field)
                        && field.ValueKind == JsonValueKind.String && field.TryGetGuid(out var parsed)
            ? parsed
            : throw Invalid(new Dictionary<string, string[]> { ["messageId"] = ["messageId must be the id of a message in this conversation."] });

        var tree = await ConversationTree.LoadAsync(db, id, cancellationToken);
        if (!tree.Contains(messageId))
        {
            throw new ApiProblem(StatusCodes.Status404NotFound, ProblemCodes.MessageNotFound, "There is no such message in this conversation.");
        }

        // Not activity: the sidebar order (UpdatedAt) stays as it was.
        conversation.CurrentMessageId = tree.LatestLeafUnder(messageId);
        await db.SaveChangesAsync(cancellationToken);
        var (items, hasOlder, oldestSeq) = await MessageQueries.PageAsync(db, id, null, Paging.DefaultLimit, cancellationToken);
        return TypedResults.Ok(new Page<MessageDto>(items, hasOlder ? Cursors.ForMessage(oldestSeq) : null));
    }
}

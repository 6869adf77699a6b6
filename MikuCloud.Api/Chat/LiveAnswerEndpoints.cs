using System.Globalization;
using Microsoft.AspNetCore.Http.HttpResults;
using MikuCloud.Api.Conversations;
using MikuCloud.Api.Turns.Live;

namespace MikuCloud.Api.Chat;

/// <summary>
/// <c>GET /api/conversations/{id}/messages/{messageId}/stream</c> (attach to an answer, from an offset) and
/// <c>POST …/stop</c> (the one way to stop an answer the native API keeps generating without its reader).
/// </summary>
public static class LiveAnswerEndpoints
{
    /// <summary>The query parameter that gives the characters a reader already has (or the <c>Last-Event-ID</c> header).</summary>
    public const string OffsetParameter = "offset";

    public static RouteGroupBuilder MapLiveAnswerEndpoints(this RouteGroupBuilder group)
    {
        ArgumentNullException.ThrowIfNull(group);
        group.MapGet("/{messageId:guid}/stream", FollowAsync)
            .WithName("FollowAnswer")
            .Produces<string>(StatusCodes.Status200OK, "text/event-stream")
            .ProducesProblem(400).ProducesProblem(404)
            .WithSummary("Attach to an answer: the text after an offset, then the rest live, then 'done' or 'error'.")
            .WithDescription("For a reader that lost its stream (a reload, another tab or device): offset (query, characters the reader already has) " +
                             "or the Last-Event-ID header (the id of the last delta it got; every delta's id is the answer's length after it). " +
                             "Answers text/event-stream like sending a message: 'delta' {text} with id, comment-line heartbeats, then 'done' " +
                             "(the saved answer) or 'error'. An answer already finished sends its stored text after the offset and 'done'. " +
                             "Works from any API replica, whichever generates the answer. Leaving never stops the answer.");

        group.MapPost("/{messageId:guid}/stop", StopAsync)
            .WithName("StopAnswer")
            .DisableAntiforgery()
            .ProducesProblem(404)
            .WithSummary("Stop an answer being generated; it is saved as cancelled with what it had.")
            .WithDescription("Idempotent: an answer that already ended is returned as it is (200). From any API replica: the one generating the " +
                             "answer stops it; 202 when it was asked to but the saved answer did not show it within 5 s.");
        return group;
    }

    private static async Task<AnswerFollowResult> FollowAsync(Guid id, Guid messageId, string? offset, HttpContext http, AnswerFollower follower)
    {
        var from = ParseOffset(offset ?? http.Request.Headers["Last-Event-ID"].ToString());
        return new AnswerFollowResult(await follower.FollowAsync(CurrentOwner.Of(http), id, messageId, from, http.RequestAborted));
    }

    private static async Task<Results<Ok<MessageDto>, Accepted>> StopAsync(Guid id, Guid messageId, HttpContext http, AnswerFollower follower) =>
        await follower.StopAsync(CurrentOwner.Of(http), id, messageId, http.RequestAborted) is { } stopped
            ? TypedResults.Ok(stopped)
            : TypedResults.Accepted((string?)null);

    private static int ParseOffset(string? value) =>
        string.IsNullOrEmpty(value) ? 0
        : int.TryParse(value, NumberStyles.None, CultureInfo.InvariantCulture, out var offset) ? offset
        : throw ApiProblem.Invalid(OffsetParameter, "offset (or Last-Event-ID) must be the id of the last delta received: a whole number of characters, 0 or more.");
}

using Microsoft.EntityFrameworkCore;
using MikuCloud.Api.Data;
using MikuCloud.Api.Turns;

namespace MikuCloud.Api.Usage;

/// <summary>
/// Writes an answer's <see cref="AnswerUsage"/> on its own (unstored answers, or a stored one whose conversation went
/// while it streamed). Usage is bookkeeping: a failure to write it is logged (no content) and swallowed, never the answer's.
/// </summary>
public sealed partial class AnswerUsageLog(ChatDbContext db, ILogger<AnswerUsageLog> logger)
{
    /// <summary>The usage of a finished answer (its outcome already applied), linked to the message when it is stored.</summary>
    public static AnswerUsage Of(AnswerCall call)
    {
        ArgumentNullException.ThrowIfNull(call);
        var answer = call.Answer;
        return new AnswerUsage
        {
            // A continuation is usage of its own (the answer's first part was counted when it ended).
            Id = call.Persist && call.Continues is null ? answer.Id : Guid.CreateVersion7(), OwnerId = call.OwnerId, Door = call.Door, PresetId = answer.PresetId ?? "", Model = answer.Model ?? "",
            Status = answer.Status, InputTokens = answer.InputTokens, OutputTokens = answer.OutputTokens,
            TimeToFirstTokenMs = answer.TimeToFirstTokenMs, TotalMs = answer.TotalMs, OutputTokensPerSecond = answer.OutputTokensPerSecond,
            PromptTokensPerSecond = answer.PromptTokensPerSecond, ImageCount = call.Plan.Turns.Sum(t => t.Images.Count),
            CreatedAt = call.Continues is null ? answer.CreatedAt : answer.CompletedAt ?? answer.CreatedAt, MessageId = call.Persist ? answer.Id : null,
        };
    }

    /// <summary>Saves <paramref name="usage"/>; never throws (the answer is already on its way to the door).</summary>
    public async Task RecordAsync(AnswerUsage usage)
    {
        ArgumentNullException.ThrowIfNull(usage);
        var entry = db.Add(usage);
        try
        {
            // Never tied to the door's token: a client that went away still used what it used.
            await db.SaveWithRollupAsync([usage], CancellationToken.None);
        }
        catch (Exception ex)
        {
            LogNotRecorded(logger, usage.Door, ex.GetType().Name, ex.Message);
        }
        finally
        {
            // Written, or given up on: either way the scoped context need not track it (nor retry it with a later save).
            entry.State = EntityState.Detached;
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "An answer's usage ({Door}) could not be recorded: {Error}: {Reason}")]
    private static partial void LogNotRecorded(ILogger logger, string door, string error, string reason);
}

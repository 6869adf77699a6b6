using System.Diagnostics;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using MikuCloud.Api.Chat;
using MikuCloud.Api.Data;
using MikuCloud.Api.Limits;

namespace MikuCloud.Api.Turns;

/// <summary>
/// Where a turn is admitted or refused: the user's token budget and image quota, one answer per conversation, the
/// user's stream slots and the instance's generation slots. A refusal is an <see cref="ApiProblem"/> and nothing is saved.
/// </summary>
public sealed class TurnGate(ChatDbContext db, ActiveTurns active, StreamSlots streamSlots, AdmissionControl admission, UserLimits limits,
    TokenBudget tokenBudget, TurnTelemetry telemetry, IOptions<ChatServerOptions> chat)
{
    /// <summary>Refuses while the user's tokens for this minute are spent.</summary>
    public async Task CheckTokenBudgetAsync(string owner, CancellationToken cancellationToken)
    {
        if (await tokenBudget.RetryAfterAsync(owner, cancellationToken) is { } wait)
        {
            telemetry.Rejected("user_tokens");
            var seconds = ApiProblem.RetryAfter(wait);
            throw new ApiProblem(429, ProblemCodes.TokenLimit,
                $"This account used its {limits.Tokens:N0} tokens for this minute. Nothing was saved; send again in {seconds} s.",
                retryAfterSeconds: seconds);
        }
    }

    /// <summary>Refuses images that would take the user past the images they may store.</summary>
    public async Task CheckImageQuotaAsync(string owner, int adding, CancellationToken cancellationToken)
    {
        if (adding == 0 || limits.Images <= 0)
        {
            return;
        }

        var stored = await db.Images.CountAsync(i => i.OwnerId == owner, cancellationToken);
        if (stored + adding > limits.Images)
        {
            telemetry.Rejected("user_images");
            // Waiting does not free room (deleting conversations does); the hour only keeps clients from retrying in a loop.
            throw new ApiProblem(429, ProblemCodes.ImageQuota,
                $"This account stores {stored:N0} of {limits.Images:N0} images. Nothing was saved; delete older conversations with images to make room.",
                retryAfterSeconds: 3600);
        }
    }

    /// <summary>
    /// The conversation's one answer, then the user's stream slot, then a generation slot (waiting in the queue):
    /// one lease for all three, or a refusal that holds none. The door's <paramref name="cancellationToken"/> stops the answer too.
    /// </summary>
    public Task<TurnLease> EnterAsync(Guid conversationId, string owner, TagList tags, CancellationToken cancellationToken) =>
        EnterAsync(conversationId, owner, tags, cancelOnDisconnect: true, cancellationToken);

    /// <summary>
    /// As <see cref="EnterAsync(Guid, string, TagList, CancellationToken)"/>, but the door's <paramref name="cancellationToken"/>
    /// only ends the wait in the queue; it stops the answer itself only when <paramref name="cancelOnDisconnect"/>.
    /// </summary>
    public async Task<TurnLease> EnterAsync(Guid conversationId, string owner, TagList tags, bool cancelOnDisconnect, CancellationToken cancellationToken)
    {
        var cancellation = cancelOnDisconnect ? CancellationTokenSource.CreateLinkedTokenSource(cancellationToken) : new CancellationTokenSource();
        cancellation.CancelAfter(chat.Value.MaxTurnDuration);
        if (!active.TryBegin(conversationId, owner, cancellation))
        {
            cancellation.Dispose();
            throw new ApiProblem(409, ProblemCodes.AnswerInProgress, "An answer is still being generated in this conversation. Stop it or wait for it to finish.");
        }

        var lease = new TurnLease(active, conversationId, cancellation);
        try
        {
            var slot = await streamSlots.TryEnterAsync(owner, cancellationToken);
            if (slot is null)
            {
                telemetry.Rejected("user_streams", tags);
                throw new ApiProblem(429, ProblemCodes.TooManyStreams,
                    $"You already have {limits.Streams} answers being generated. Nothing was saved; send again when one finishes.",
                    retryAfterSeconds: 10);
            }

            lease.HoldSlot(slot);
            var waitStarted = Stopwatch.GetTimestamp();
            var generation = await admission.TryEnterAsync(cancellationToken);
            telemetry.QueueWaited(Stopwatch.GetElapsedTime(waitStarted), tags);
            if (generation is null)
            {
                telemetry.Rejected("queue_full", tags);
                throw new ApiProblem(429, ProblemCodes.Busy, "All generation slots are busy. Nothing was saved; please send again shortly.",
                    retryAfterSeconds: admission.RetryAfterSeconds);
            }

            lease.Hold(slot, generation);
            return lease;
        }
        catch
        {
            lease.Dispose();
            throw;
        }
    }

    /// <summary>
    /// Background work's admission (batch items): a generation slot only if chat leaves one idle, no stream slot, no
    /// conversation lock. A chat that needs the slot back preempts it: the turn is cancelled (and the caller, seeing its
    /// own token uncancelled, knows to put the work back). Refused at once with 429 <c>busy</c> rather than queued.
    /// </summary>
    public TurnLease EnterBackground(CancellationToken cancellationToken)
    {
        var generation = admission.TryEnterBackground();
        if (generation is null)
        {
            // Not a rejection in the chat metrics: the work waits in its own queue and tries again.
            throw new ApiProblem(429, ProblemCodes.Busy, "All generation slots are busy with chat.", retryAfterSeconds: admission.RetryAfterSeconds);
        }

        var cancellation = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, generation.Preempted);
        cancellation.CancelAfter(chat.Value.MaxTurnDuration);
        var lease = new TurnLease(active, Guid.NewGuid(), cancellation);
        lease.Hold(null, generation);
        return lease;
    }
}

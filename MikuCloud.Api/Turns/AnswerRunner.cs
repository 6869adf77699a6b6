using Microsoft.Extensions.AI;
using Microsoft.Extensions.Options;
using MikuCloud.Api.Chat;
using MikuCloud.Api.Conversations;
using MikuCloud.Api.Data;
using MikuCloud.Api.Limits;
using MikuCloud.Api.Turns.Live;
using MikuCloud.Api.Usage;

namespace MikuCloud.Api.Turns;

/// <summary>
/// Runs an admitted turn's answer: opens the <see cref="AnswerStream"/> on a replica (<see cref="TurnRouting"/>; a refusal in the first-response window is an
/// <see cref="ApiProblem"/> that keeps the question), then, on its own, reads it to the end, saves the answer and its usage
/// (<see cref="AnswerUsage"/>, for unstored answers too), records it and tells the door. The lease is held until the answer is saved.
/// A stored answer is a <see cref="LiveAnswer"/> while it runs: readers attach to it, the checkpoint saves its text.
/// </summary>
public sealed class AnswerRunner(IChatClient chatClient, TurnRouting routing, TurnStore store, AnswerUsageLog usageLog, TurnTelemetry telemetry, TokenEstimator estimator, TokenBudget tokenBudget,
    AdmissionControl admission, LiveAnswers liveAnswers, IOptions<ChatServerOptions> chat, TimeProvider time, ILogger<AnswerStream> logger)
{
    /// <summary>The running turn; throws the refusal when Ollama refused it at once.</summary>
    public async Task<TurnRun> StartAsync(AnswerCall call, TurnLease lease, CancellationToken doorToken)
    {
        ArgumentNullException.ThrowIfNull(call);
        ArgumentNullException.ThrowIfNull(lease);
        var turnToken = lease.Cancellation.Token;
        var stream = new AnswerStream(chatClient, chat.Value, logger);
        var run = new TurnRun(lease.Cancellation);
        // Live from the start: the first-response window (a model loading) is heartbeaten and stoppable too.
        var live = call.Persist ? liveAnswers.Begin(call.Answer.Id, call.Answer.ConversationId, call.OwnerId, run.Stop, call.Continues?.Content) : null;
        telemetry.Streaming(+1);
        bool? hasFirst;
        try
        {
            hasFirst = await routing.OpenAsync(stream, call, lease, turnToken);
        }
        catch (Exception ex) when (OllamaFailures.IsOllamaFailure(ex))
        {
            call = OnReplica(call, lease);
            await stream.DisposeAsync();
            telemetry.Streaming(-1);
            var refused = await RefusedAsync(call, stream.Watch, ex);
            EndLive(live, new TurnEvent.AnswerFailed(new ErrorDto(refused.Code, refused.Message, call.Answer.Id)));
            throw refused;
        }
        catch
        {
            await stream.DisposeAsync();
            telemetry.Streaming(-1);
            EndLive(live, Stopped(call.Answer.Id));
            throw;
        }

        call = OnReplica(call, lease);
        if (call.Created is { } created)
        {
            run.Writer.TryWrite(new TurnEvent.ConversationCreated(Mapping.ToDto(created, call.KnowledgeBaseIds)));
        }

        if (call.Persist)
        {
            run.Writer.TryWrite(new TurnEvent.QuestionSaved(Mapping.ToDto(call.Question)));
        }

        if (call.Citations.Count > 0)
        {
            run.Writer.TryWrite(new TurnEvent.CitationsFound(call.Citations));
        }

        run.Begin(() => AnswerAsync(call, stream, hasFirst, run, lease, live, doorToken));
        return run;
    }

    private async Task AnswerAsync(AnswerCall call, AnswerStream stream, bool? hasFirst, TurnRun run, TurnLease lease, LiveAnswer? live, CancellationToken doorToken)
    {
        var answer = call.Answer;
        var writer = live is null ? run.Writer : new LiveAnswerWriter(run.Writer, live);
        try
        {
            AnswerOutcome outcome;
            await using (stream)
            {
                try
                {
                    outcome = await stream.ReadAsync(hasFirst, writer, answer.Id, lease.Cancellation.Token, doorToken);
                }
                finally
                {
                    telemetry.Streaming(-1);
                }
            }

            outcome.ApplyTo(answer, Timestamps.Now(time));
            if (outcome.Done is { PromptEvalCount: > 0 } counted)
            {
                estimator.Calibrate(call.Plan.RawTextTokens, call.Plan.ImageTokens + TokenEstimator.MessageOverhead * call.Messages.Count, counted.PromptEvalCount);
            }

            // Every answer that started is usage, stored or not, from every door; written before the door hears the
            // end, so the dashboard counts what the client has.
            var usage = AnswerUsageLog.Of(call);
            if (call.Continues is { } before)
            {
                telemetry.Answered(answer, call.Tags); // the continuation alone, as its usage: the first part was counted
                before.AddTo(answer);
            }

            if (call.Persist)
            {
                await store.SaveAnswerAsync(answer, usage);
            }
            else
            {
                await usageLog.RecordAsync(usage);
            }

            if (call.Continues is null)
            {
                telemetry.Answered(answer, call.Tags);
            }

            TurnEvent last = outcome.Failure is not null || outcome.Cancelled
                ? new TurnEvent.AnswerFailed(outcome.Failure ?? Stopped(answer.Id).Error)
                : new TurnEvent.AnswerDone(Mapping.ToDto(answer));
            run.Writer.TryWrite(last);
            EndLive(live, last);
        }
        finally
        {
            EndLive(live, Stopped(answer.Id)); // no-op after the answer's own end; a reader never hangs on a turn that threw
            await RecordTokensAsync(call);
            lease.Dispose();
            run.Writer.TryComplete();
        }
    }

    /// <summary>The call with its metrics tagged by the replica that answered (or last refused) it.</summary>
    private static AnswerCall OnReplica(AnswerCall call, TurnLease lease) =>
        lease.Replica is { } replica ? call with { Tags = TurnTelemetry.OnReplica(call.Tags, replica.Replica) } : call;

    private void EndLive(LiveAnswer? live, TurnEvent last)
    {
        if (live is not null)
        {
            liveAnswers.End(live, last);
        }
    }

    private static TurnEvent.AnswerFailed Stopped(Guid answerId) => new(new ErrorDto(ProblemCodes.Cancelled, "The answer was stopped.", answerId));

    /// <summary>Nothing was generated: drop the empty answer, keep the question (its id lets the client retry with regenerate).</summary>
    private async Task<ApiProblem> RefusedAsync(AnswerCall call, OllamaStreamWatch watch, Exception ex)
    {
        if (call.Continues is { } before)
        {
            await store.RestoreAnswerAsync(call.Answer, before);
        }
        else if (call.Persist)
        {
            await store.DropAnswerAsync(call.Answer);
        }

        var error = OllamaFailures.Describe(ex, watch, null);
        var status = OllamaFailures.RefusalStatus(error);
        if (status == 429)
        {
            telemetry.Rejected("upstream_busy", call.Tags);
        }
        else
        {
            telemetry.Failed(call.Tags);
        }

        return new ApiProblem(status, error.Code, error.Message + (call.Persist ? " Your message was saved; retry to get an answer." : " Nothing was saved; send again."),
            messageId: call.Persist ? call.Question.Id : null, retryAfterSeconds: status == 429 ? admission.RetryAfterSeconds : null)
        {
            // A first message's conversation stays, with the question in it: the client retries there.
            ConversationId = call.Created?.Id,
        };
    }

    /// <summary>
    /// Charges the user's token budget: Ollama's counters when the answer finished; the estimate when it was cut off
    /// before them. Never throws: a charge the shared store could not take is logged, and the answer stands.
    /// </summary>
    public async Task RecordTokensAsync(AnswerCall call)
    {
        ArgumentNullException.ThrowIfNull(call);
        var answer = call.Answer;
        var spent = (answer.InputTokens ?? call.Plan.EstimatedPromptTokens) + (answer.OutputTokens ?? TokenEstimator.RawTextTokens(answer.Content));
        if (call.Continues is { } before)
        {
            // A continuation's counts were added to the answer's earlier ones, which were charged when it first ended.
            spent = Math.Max(0, spent - (before.InputTokens ?? 0) - (before.OutputTokens ?? TokenEstimator.RawTextTokens(before.Content)));
        }

        try
        {
            await tokenBudget.RecordAsync(call.OwnerId, spent);
        }
        catch (Exception ex) when (ScaleOut.SharedStateUnavailableHandler.IsOutage(ex))
        {
            logger.LogWarning("{Tokens} tokens could not be charged to the user's budget: {Message}", spent, ex.GetBaseException().Message);
        }
    }
}

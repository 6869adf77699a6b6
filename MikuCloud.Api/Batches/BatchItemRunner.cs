using System.Text.Json;
using System.Text.Json.Nodes;
using MikuCloud.Api.Turns;

namespace MikuCloud.Api.Batches;

/// <summary>
/// Answers one batch item as a turn through the one turn engine (<see cref="TurnRequest.AnswerInBackground"/>: the
/// prompt and the item's image, the batch's schema as Ollama's <c>format</c>), so the user's limits, token budget,
/// telemetry and usage apply as to any door. Turns the turn's end into an outcome; a bad item fails alone.
/// </summary>
public sealed class BatchItemRunner(TurnEngine turns)
{
    /// <summary>This door's name in telemetry.</summary>
    public const string Door = "batch";

    /// <summary>
    /// The item's outcome. <paramref name="stop"/> is the worker's (batch cancelled, process stopping): when it is
    /// cancelled the caller decides; a cancellation that did not come from it means a chat took the slot back.
    /// </summary>
    public async Task<BatchItemOutcome> RunAsync(Batch batch, BatchItem item, CancellationToken stop)
    {
        ArgumentNullException.ThrowIfNull(batch);
        ArgumentNullException.ThrowIfNull(item);
        if (item.Image is not { Length: > 0 } image)
        {
            return BatchItemOutcome.Failed(ProblemCodes.ImageNotFound, "The item's image is no longer stored.");
        }

        var schema = batch.SchemaJson is { } text ? JsonNode.Parse(text) : null;
        var transcript = new Transcript([new TranscriptMessage(TranscriptMessages.User, batch.Prompt, [image])], schema);
        var options = batch.OptionsJson is { } json ? JsonNode.Parse(json) as JsonObject : null;
        TurnRun run;
        try
        {
            run = await turns.StartAsync(TurnRequest.AnswerInBackground(item.OwnerId, transcript, batch.PresetId, options, Door).ForModel(batch.Model), stop);
        }
        catch (ApiProblem problem) when (problem.Status == StatusCodes.Status429TooManyRequests)
        {
            // Chat holds every slot, Ollama is busy, or the owner's tokens for this minute are spent: not the item's fault.
            return BatchItemOutcome.Requeue(problem.Code == ProblemCodes.TokenLimit ? TimeSpan.FromSeconds(problem.RetryAfterSeconds ?? 5) : null);
        }
        catch (ApiProblem problem)
        {
            return BatchItemOutcome.Failed(problem.Code, problem.Message);
        }
        catch (OperationCanceledException)
        {
            // Not from the worker: a chat took the slot back. From it (batch cancelled, process stopping): an outcome
            // the worker turns into "put back" or "leave it", rather than an error that leaves the item claimed.
            return stop.IsCancellationRequested ? BatchItemOutcome.Failed(ProblemCodes.Cancelled, "The item was stopped.") : TakenBack;
        }

        return await ReadAsync(run, batch.SchemaJson is not null, stop);
    }

    /// <summary>Put back for later: a chat needed the slot (not the item's fault, not an attempt).</summary>
    private static BatchItemOutcome TakenBack { get; } = BatchItemOutcome.Requeue() with { Preempted = true };

    private static async Task<BatchItemOutcome> ReadAsync(TurnRun run, bool wantsJson, CancellationToken stop)
    {
        await using (run)
        {
            await foreach (var e in run.Events)
            {
                switch (e)
                {
                    case TurnEvent.AnswerDone done:
                        return Answered(done.Message, wantsJson);
                    case TurnEvent.AnswerFailed failed when failed.Error.Code == ProblemCodes.Cancelled && !stop.IsCancellationRequested:
                        return TakenBack;
                    case TurnEvent.AnswerFailed failed:
                        return BatchItemOutcome.Failed(failed.Error.Code, failed.Error.Message);
                }
            }
        }

        return BatchItemOutcome.Failed(ProblemCodes.IncompleteAnswer, "The answer ended without finishing.");
    }

    private static BatchItemOutcome Answered(MessageDto message, bool wantsJson)
    {
        string? json = null;
        if (wantsJson)
        {
            try
            {
                json = JsonNode.Parse(message.Content)?.ToJsonString();
            }
            catch (JsonException ex)
            {
                return new BatchItemOutcome(BatchItemStatus.Failed, message.Content, null, ProblemCodes.InvalidJsonAnswer,
                    $"The answer is not valid JSON ({ex.Message})", message.Usage?.InputTokens, message.Usage?.OutputTokens,
                    message.Timings?.TimeToFirstTokenMs, message.Timings?.TotalMs);
            }
        }

        return new BatchItemOutcome(BatchItemStatus.Completed, message.Content, json, null, null, message.Usage?.InputTokens, message.Usage?.OutputTokens,
            message.Timings?.TimeToFirstTokenMs, message.Timings?.TotalMs);
    }
}

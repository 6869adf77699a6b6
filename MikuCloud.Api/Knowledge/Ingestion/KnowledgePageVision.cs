using System.Text.Json.Nodes;
using Microsoft.Extensions.Options;
using MikuCloud.Api.Images;
using MikuCloud.Api.Turns;
using MikuCloud.HouseModels;

namespace MikuCloud.Api.Knowledge;

/// <summary>
/// Reads a page that has no text of its own with the vision model, as a turn of the one turn engine
/// (<see cref="TurnRequest.AnswerInBackground"/>, door <see cref="Door"/>): a scan is transcribed, a picture described
/// and read. Background work like a batch item: it runs only on capacity chat leaves idle, and when there is none it
/// waits and asks again (the page is not skipped). The owner's limits, telemetry and usage apply as to any door.
/// </summary>
public sealed class KnowledgePageVision(TurnEngine turns, ImagePipeline images, HouseModelCatalog catalog, IOptions<KnowledgeOptions> options,
    TimeProvider time)
{
    /// <summary>This door's name in telemetry.</summary>
    public const string Door = "knowledge";

    /// <summary>What a scanned page is asked.</summary>
    public const string TranscribePrompt =
        "Transcribe all text on this page exactly as written, in reading order. Keep headings, lists and tables (tables as Markdown). " +
        "Output only the page's text, in its own language, with no comments. If the page has no text, describe it in one sentence.";

    /// <summary>What a picture is asked.</summary>
    public const string DescribePrompt =
        "Describe this picture in two or three sentences, then transcribe all text visible in it, exactly as written. " +
        "Output the description, an empty line, then the text (nothing after the description when there is none).";

    // Transcription, not creative writing: the most likely reading.
    private static readonly JsonObject Options = new() { ["temperature"] = 0 };

    /// <summary>
    /// The page's text as the model read it and the image as it was sent (what a citation of the page shows). Throws
    /// <see cref="KnowledgeReadException"/> when the image is refused or the model fails; cancellation when stopped.
    /// </summary>
    public async Task<(string Text, byte[] Image)> ReadAsync(string ownerId, PageImage page, bool isPicture, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(page);
        ProcessedImage image;
        try
        {
            image = images.Process(page.Data);
        }
        catch (ImageRejectedException e)
        {
            throw new KnowledgeReadException(e.Code, $"The page image cannot be read: {e.Message}");
        }

        var transcript = new Transcript([new TranscriptMessage(TranscriptMessages.User, isPicture ? DescribePrompt : TranscribePrompt, [image.Data])]);
        var request = TurnRequest.AnswerInBackground(ownerId, transcript, null, (JsonObject)Options.DeepClone(), Door).ForModel(VisionModel());
        while (true)
        {
            var wait = options.Value.VisionRetryDelay;
            try
            {
                await using var run = await turns.StartAsync(request, cancellationToken);
                if (await AnswerAsync(run, cancellationToken) is { } text)
                {
                    return (text, image.Data);
                }
            }
            catch (ApiProblem problem) when (problem.Status == StatusCodes.Status429TooManyRequests)
            {
                // Chat holds every slot (or the owner's tokens for this minute are spent): not the page's fault.
                wait = problem.RetryAfterSeconds is { } seconds ? TimeSpan.FromSeconds(seconds) : wait;
            }
            catch (ApiProblem problem)
            {
                throw new KnowledgeReadException(problem.Code, problem.Message);
            }
            catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
            {
                // Not ours: a chat took the slot back before the answer started.
            }

            await Task.Delay(wait, time, cancellationToken);
        }
    }

    /// <summary>The answer; null when a chat took the slot back mid-answer (ask again later).</summary>
    private static async Task<string?> AnswerAsync(TurnRun run, CancellationToken cancellationToken)
    {
        await foreach (var e in run.Events)
        {
            switch (e)
            {
                case TurnEvent.AnswerDone done:
                    return done.Message.Content.Trim();
                case TurnEvent.AnswerFailed failed when failed.Error.Code == ProblemCodes.Cancelled && !cancellationToken.IsCancellationRequested:
                    return null;
                case TurnEvent.AnswerFailed failed:
                    throw new KnowledgeReadException(failed.Error.Code, $"The vision model could not read the page: {failed.Error.Message}");
            }
        }

        throw new KnowledgeReadException(ProblemCodes.IncompleteAnswer, "The vision model's answer ended without finishing.");
    }

    /// <summary>The default chat model when it sees pictures, else the first house model that does.</summary>
    private string VisionModel() =>
        catalog.DefaultModel is { Purpose: ModelPurpose.Vision } chosen ? chosen.Name
        : catalog.Models.FirstOrDefault(m => m.Purpose == ModelPurpose.Vision)?.Name ?? catalog.DefaultModel.Name;
}

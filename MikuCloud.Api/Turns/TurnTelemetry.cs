using System.Diagnostics;
using MikuCloud.Api.Chat;
using MikuCloud.Api.Data;
using MikuCloud.Api.Ollama;

namespace MikuCloud.Api.Turns;

/// <summary>
/// Every measurement of a turn, in one place, on <see cref="ChatTelemetry"/>'s instruments and spans (their names
/// are the dashboards' contract): refusals, queue waits, images, context trimming, streams and each answer's outcome.
/// </summary>
public sealed class TurnTelemetry(ChatTelemetry instruments)
{
    /// <summary>Tags every chat metric of a turn carries.</summary>
    public static TagList Tags(string model, string presetId, bool hasImages, string door) => new()
    {
        { ChatTelemetry.ModelTag, model },
        { ChatTelemetry.PresetTag, presetId },
        { ChatTelemetry.HasImagesTag, hasImages },
        // Which door the turn came through (chat, openai, mcp): the same metrics, split by who asked.
        { ChatTelemetry.DoorTag, door },
    };

    /// <summary>The tags with the Ollama replica the turn went to (<see cref="ReplicaTelemetry.ReplicaTag"/>).</summary>
    public static TagList OnReplica(TagList tags, Uri replica) => With(tags, ReplicaTelemetry.ReplicaTag, ReplicaTelemetry.NameOf(replica));

    /// <summary>A refusal before anything was counted as a request (budget, quota).</summary>
    public void Rejected(string reason) => instruments.Rejections.Add(1, new KeyValuePair<string, object?>(ChatTelemetry.ReasonTag, reason));

    /// <summary>A refusal of a request that was already counted by its tags (slots, queue, a busy Ollama).</summary>
    public void Rejected(string reason, TagList tags)
    {
        Rejected(reason);
        Count(tags, "rejected");
    }

    /// <summary>A request that failed before it streamed (Ollama refused it in the first-response window).</summary>
    public void Failed(TagList tags) => Count(tags, "failed");

    public void QueueWaited(TimeSpan wait, TagList tags) => instruments.QueueWait.Record(wait.TotalSeconds, tags);

    public void ImageProcessed(TimeSpan took, long bytesSaved)
    {
        instruments.ImageDuration.Record(took.TotalSeconds);
        instruments.ImageBytesSaved.Add(Math.Max(0, bytesSaved));
    }

    public void ContextTrimmed(int imagesOmitted, int turnsDropped, int passagesTrimmed = 0)
    {
        if (passagesTrimmed > 0)
        {
            instruments.ContextTrimmed.Add(passagesTrimmed, new KeyValuePair<string, object?>(ChatTelemetry.KindTag, "passage"));
        }

        if (imagesOmitted > 0)
        {
            instruments.ContextTrimmed.Add(imagesOmitted, new KeyValuePair<string, object?>(ChatTelemetry.KindTag, "image"));
        }

        if (turnsDropped > 0)
        {
            instruments.ContextTrimmed.Add(turnsDropped, new KeyValuePair<string, object?>(ChatTelemetry.KindTag, "turn"));
        }
    }

    /// <summary>An answer began (or stopped) streaming.</summary>
    public void Streaming(int change) => instruments.ActiveStreams.Add(change);

    /// <summary>The saved answer's outcome, timings, rates and tokens.</summary>
    public void Answered(Message answer, TagList tags)
    {
        Count(tags, answer.Status);
        if (answer.TimeToFirstTokenMs is { } ttft)
        {
            instruments.TimeToFirstToken.Record(ttft / 1000, tags);
        }

        if (answer.TotalMs is { } total)
        {
            instruments.Duration.Record(total / 1000, tags);
        }

        if (answer.OutputTokensPerSecond is { } output)
        {
            instruments.OutputRate.Record(output, tags);
        }

        if (answer.PromptTokensPerSecond is { } prefill)
        {
            instruments.PrefillRate.Record(prefill, tags);
        }

        if (answer.InputTokens is { } input)
        {
            instruments.Tokens.Add(input, With(tags, ChatTelemetry.TokenTypeTag, "input"));
        }

        if (answer.OutputTokens is { } generated)
        {
            instruments.Tokens.Add(generated, With(tags, ChatTelemetry.TokenTypeTag, "output"));
        }
    }

    private void Count(TagList tags, string outcome) => instruments.Requests.Add(1, With(tags, ChatTelemetry.OutcomeTag, outcome));

    private static TagList With(TagList tags, string key, object? value)
    {
        var copy = tags;
        copy.Add(key, value);
        return copy;
    }
}

using MikuCloud.Api.Data;
using ChatDoneResponseStream = OllamaSharp.Models.Chat.ChatDoneResponseStream;

namespace MikuCloud.Api.Turns;

/// <summary>How an answer's stream ended: its text, Ollama's final counters (if it got there), a failure or a stop, and timings.</summary>
public sealed record AnswerOutcome(string Text, ChatDoneResponseStream? Done, ErrorDto? Failure, bool Cancelled, double? TimeToFirstTokenMs, double ElapsedMs)
{
    /// <summary>Writes the outcome into the answer to save: content, status, finish reason, error, usage, timings.</summary>
    public void ApplyTo(Message answer, DateTime now)
    {
        ArgumentNullException.ThrowIfNull(answer);
        answer.Content = Text;
        answer.CompletedAt = now;
        answer.TimeToFirstTokenMs = TimeToFirstTokenMs is { } ttft ? Math.Round(ttft, 1) : null;
        answer.TotalMs = Math.Round(ElapsedMs, 1);
        if (Cancelled)
        {
            (answer.Status, answer.FinishReason) = (MessageStatus.Cancelled, "cancelled");
        }
        else if (Failure is not null)
        {
            (answer.Status, answer.FinishReason, answer.ErrorCode, answer.ErrorMessage) = (MessageStatus.Failed, "error", Failure.Code, Failure.Message);
        }
        else
        {
            var length = string.Equals(Done!.DoneReason, "length", StringComparison.Ordinal);
            (answer.Status, answer.FinishReason) = length ? (MessageStatus.Truncated, "length") : (MessageStatus.Complete, Done.DoneReason ?? "stop");
        }

        if (Done is not null)
        {
            answer.InputTokens = Done.PromptEvalCount;
            answer.OutputTokens = Done.EvalCount;
            answer.OutputTokensPerSecond = Rate(Done.EvalCount, Done.EvalDuration);
            answer.PromptTokensPerSecond = Rate(Done.PromptEvalCount, Done.PromptEvalDuration);
        }
    }

    /// <summary>Tokens per second from Ollama's counters (durations are nanoseconds).</summary>
    private static double? Rate(long count, long durationNs) => count > 0 && durationNs > 0 ? Math.Round(count / (durationNs / 1e9), 2) : null;
}

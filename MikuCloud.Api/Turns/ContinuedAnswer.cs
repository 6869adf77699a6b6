using MikuCloud.Api.Data;

namespace MikuCloud.Api.Turns;

/// <summary>
/// What an answer had before it was continued: the continuation is appended to its text and its usage and timings are
/// added to these; refused before anything was generated, the answer is put back exactly as it was.
/// </summary>
public sealed record ContinuedAnswer(string Content, string Status, string? FinishReason, string? ErrorCode, string? ErrorMessage,
    int? InputTokens, int? OutputTokens, double? TimeToFirstTokenMs, double? TotalMs, double? OutputTokensPerSecond, double? PromptTokensPerSecond,
    DateTime? CompletedAt)
{
    /// <summary>The answer as it is now.</summary>
    public static ContinuedAnswer Of(Message answer)
    {
        ArgumentNullException.ThrowIfNull(answer);
        return new(answer.Content, answer.Status, answer.FinishReason, answer.ErrorCode, answer.ErrorMessage, answer.InputTokens, answer.OutputTokens,
            answer.TimeToFirstTokenMs, answer.TotalMs, answer.OutputTokensPerSecond, answer.PromptTokensPerSecond, answer.CompletedAt);
    }

    /// <summary>
    /// The answer streams again: <c>streaming</c>, with no verdict, usage or timings of its own until the continuation
    /// ends (its text stays: a crash meanwhile loses none of it).
    /// </summary>
    public static void Reopen(Message answer)
    {
        ArgumentNullException.ThrowIfNull(answer);
        (answer.Status, answer.FinishReason, answer.ErrorCode, answer.ErrorMessage, answer.CompletedAt) = (MessageStatus.Streaming, null, null, null, null);
        (answer.InputTokens, answer.OutputTokens, answer.TimeToFirstTokenMs, answer.TotalMs, answer.OutputTokensPerSecond, answer.PromptTokensPerSecond) =
            (null, null, null, null, null, null);
    }

    /// <summary>Puts the answer back as it was (the continuation was refused before it generated anything).</summary>
    public void RestoreTo(Message answer)
    {
        ArgumentNullException.ThrowIfNull(answer);
        (answer.Content, answer.Status, answer.FinishReason, answer.ErrorCode, answer.ErrorMessage, answer.CompletedAt) =
            (Content, Status, FinishReason, ErrorCode, ErrorMessage, CompletedAt);
        (answer.InputTokens, answer.OutputTokens, answer.TimeToFirstTokenMs, answer.TotalMs, answer.OutputTokensPerSecond, answer.PromptTokensPerSecond) =
            (InputTokens, OutputTokens, TimeToFirstTokenMs, TotalMs, OutputTokensPerSecond, PromptTokensPerSecond);
    }

    /// <summary>
    /// <paramref name="answer"/> holds the continuation's own outcome: its text goes after the earlier text, token counts
    /// and time add up, the time to first token stays the first one, and speeds are over both parts.
    /// </summary>
    public void AddTo(Message answer)
    {
        ArgumentNullException.ThrowIfNull(answer);
        answer.Content = Content + answer.Content;
        answer.OutputTokensPerSecond = Rate(OutputTokens, OutputTokensPerSecond, answer.OutputTokens, answer.OutputTokensPerSecond);
        answer.PromptTokensPerSecond = Rate(InputTokens, PromptTokensPerSecond, answer.InputTokens, answer.PromptTokensPerSecond);
        answer.InputTokens = Sum(InputTokens, answer.InputTokens);
        answer.OutputTokens = Sum(OutputTokens, answer.OutputTokens);
        answer.TimeToFirstTokenMs = TimeToFirstTokenMs ?? answer.TimeToFirstTokenMs;
        answer.TotalMs = TotalMs is null && answer.TotalMs is null ? null : Math.Round((TotalMs ?? 0) + (answer.TotalMs ?? 0), 1);
    }

    private static int? Sum(int? a, int? b) => a is null && b is null ? null : (a ?? 0) + (b ?? 0);

    /// <summary>Tokens of both parts over the time each took (count ÷ its rate); the known one when the other is missing.</summary>
    private static double? Rate(int? earlierCount, double? earlierRate, int? laterCount, double? laterRate) =>
        earlierCount is > 0 && earlierRate is > 0 && laterCount is > 0 && laterRate is > 0
            ? Math.Round((earlierCount.Value + laterCount.Value) / (earlierCount.Value / earlierRate.Value + laterCount.Value / laterRate.Value), 2)
            : laterRate ?? earlierRate;
}

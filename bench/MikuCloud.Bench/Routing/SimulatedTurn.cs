namespace MikuCloud.Bench.Routing;

/// <summary>One question of a simulated conversation, and what happened to it: the record the results are computed from.</summary>
public sealed class SimulatedTurn
{
    public required int Conversation { get; init; }

    /// <summary>1 for a conversation's first question.</summary>
    public required int Index { get; init; }

    /// <summary>The user pressed retry after this question was lost or cut off.</summary>
    public bool IsRetry { get; init; }

    /// <summary>The conversation so far (system prompt, earlier questions, pictures and answers): what a replica may have cached.</summary>
    public required int PreviousTokens { get; init; }

    /// <summary>The whole prompt: <see cref="PreviousTokens"/> plus this question and its picture.</summary>
    public required int PromptTokens { get; init; }

    public required int AnswerTokens { get; init; }

    public required double SentAt { get; init; }

    public double? FirstTokenAt { get; set; }

    public double? EndedAt { get; set; }

    public int Attempts { get; set; }

    public int FailedAttempts { get; set; }

    /// <summary>Prompt tokens the answering replica already had (the rest it prefilled).</summary>
    public int CachedTokens { get; set; }

    /// <summary>The replica that answered (or last tried).</summary>
    public int Replica { get; set; } = -1;

    public TurnOutcome Outcome { get; set; }

    /// <summary>Seconds from the question sent to the first answer token.</summary>
    public double? TimeToFirstToken => FirstTokenAt - SentAt;

    /// <summary>A later turn whose whole conversation so far was in the replica's cache.</summary>
    public bool FullHit => Index > 1 && CachedTokens >= PreviousTokens;
}

namespace MikuCloud.Bench.Routing;

/// <summary>
/// The simulated users: each holds one conversation after another, with a pause between them (so conversations start
/// as a Poisson process), 3–10 turns each, a think time between a finished answer and the next question, and a
/// picture in some turns. Shapes from the product brief's personas (a photo, then follow-up questions about it).
/// </summary>
public sealed record WorkloadModel
{
    /// <summary>Users online at once (the population is closed: a slow cluster gets fewer turns, not a growing queue).</summary>
    public int Users { get; init; } = 100;

    /// <summary>Mean pause before a user's first conversation and between conversations (exponential).</summary>
    public double IdleMeanSeconds { get; init; } = 120;

    /// <summary>Mean time from an answer's end to the next question: reading and typing (exponential, plus a floor).</summary>
    public double ThinkMeanSeconds { get; init; } = 25;

    /// <summary>The least think time (nobody types a question in under this).</summary>
    public double ThinkFloorSeconds { get; init; } = 3;

    public int TurnsMin { get; init; } = 3;

    public int TurnsMax { get; init; } = 10;

    /// <summary>Share of first turns with a picture (most conversations start with a photo).</summary>
    public double FirstTurnPictureShare { get; init; } = 0.6;

    /// <summary>Share of later turns with another picture.</summary>
    public double LaterTurnPictureShare { get; init; } = 0.2;

    /// <summary>The house system prompt and chat template at the start of every prompt.</summary>
    public int SystemTokens { get; init; } = 300;

    public int QuestionTokensMin { get; init; } = 20;

    public int QuestionTokensMax { get; init; } = 200;

    public int AnswerTokensMin { get; init; } = 100;

    public int AnswerTokensMax { get; init; } = 600;

    /// <summary>A turn that failed or was cut off: the user presses retry after about this long.</summary>
    public double RetryAfterSeconds { get; init; } = 5;
}

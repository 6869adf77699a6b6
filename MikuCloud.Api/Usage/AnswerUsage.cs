namespace MikuCloud.Api.Usage;

/// <summary>
/// One answer's usage, whatever door asked and whether or not the answer was stored: who, through which door, with
/// which preset and model, how it ended, its tokens and timings. Written once when the answer ends; it outlives the
/// conversation (deleting content does not undo usage) and is what the dashboard reads.
/// </summary>
public sealed class AnswerUsage
{
    /// <summary>A stored answer's usage shares its message's id, so it can be recorded only once.</summary>
    public Guid Id { get; set; }

    /// <summary>The account the answer ran for.</summary>
    public string OwnerId { get; set; } = "";

    /// <summary>Which door asked: <c>chat</c>, <c>openai</c>, <c>mcp</c> (later <c>batch</c>).</summary>
    public string Door { get; set; } = "";

    public string PresetId { get; set; } = "";
    public string Model { get; set; } = "";

    /// <summary>How the answer ended (the <c>MessageStatus</c> strings: complete, truncated, failed, cancelled, interrupted).</summary>
    public string Status { get; set; } = "";

    public int? InputTokens { get; set; }
    public int? OutputTokens { get; set; }
    public double? TimeToFirstTokenMs { get; set; }
    public double? TotalMs { get; set; }
    public double? OutputTokensPerSecond { get; set; }
    public double? PromptTokensPerSecond { get; set; }

    /// <summary>Images the model saw in the prompt (0 for answers recorded before usage was, which did not keep it).</summary>
    public int ImageCount { get; set; }

    /// <summary>When the answer started (as its message's <c>CreatedAt</c>).</summary>
    public DateTime CreatedAt { get; set; }

    /// <summary>The stored answer, when it was stored (no foreign key: the usage stays when the message goes).</summary>
    public Guid? MessageId { get; set; }
}

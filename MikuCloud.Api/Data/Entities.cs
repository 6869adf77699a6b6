namespace MikuCloud.Api.Data;

/// <summary>A conversation. <see cref="OwnerId"/> is ready for multi-user; single-user installs use <c>local</c>.</summary>
public sealed class Conversation
{
    public Guid Id { get; set; }
    public string OwnerId { get; set; } = Owners.Local;
    public string Title { get; set; } = "";
    public string PresetId { get; set; } = "";
    public string? SystemPrompt { get; set; }
    /// <summary>Per-conversation option overrides (JSON object of Ollama options), validated.</summary>
    public string? OptionsJson { get; set; }
    /// <summary>The chat model the conversation answers with (a house model's name); null for the default model.</summary>
    public string? Model { get; set; }
    public DateTime CreatedAt { get; set; }
    public DateTime UpdatedAt { get; set; }
    /// <summary>The last message's <see cref="Message.Seq"/>; new messages take the next number.</summary>
    public long LastSeq { get; set; }

    /// <summary>
    /// The last message of the chosen branch (the leaf the conversation shows and the model continues from); null for an
    /// empty conversation. Messages form a tree (<see cref="Message.ParentId"/>): an edited question or a regenerated
    /// answer is a sibling of the one it replaces, and the branch followed is the path from the first question to this leaf.
    /// </summary>
    public Guid? CurrentMessageId { get; set; }
    public List<Message> Messages { get; set; } = [];
}

/// <summary>One turn. <see cref="Seq"/> orders messages within a conversation and is the paging cursor.</summary>
public sealed class Message
{
    public Guid Id { get; set; }
    public Guid ConversationId { get; set; }
    public Conversation? Conversation { get; set; }
    public long Seq { get; set; }

    /// <summary>
    /// The message this one follows (its question for an answer, the answer before it for a question); null for a first
    /// question. Messages with the same parent are siblings: the alternatives an edit or a regenerate made.
    /// </summary>
    public Guid? ParentId { get; set; }
    public string Role { get; set; } = MessageRole.User;
    public string Content { get; set; } = "";
    public string Status { get; set; } = MessageStatus.Complete;
    /// <summary><c>stop</c>, <c>length</c>, <c>cancelled</c>, <c>error</c>.</summary>
    public string? FinishReason { get; set; }
    public string? PresetId { get; set; }
    /// <summary>The effective Ollama options this answer was generated with (JSON object).</summary>
    public string? OptionsJson { get; set; }
    public string? Model { get; set; }
    public int? InputTokens { get; set; }
    public int? OutputTokens { get; set; }
    public double? TimeToFirstTokenMs { get; set; }
    public double? TotalMs { get; set; }
    public double? OutputTokensPerSecond { get; set; }
    public double? PromptTokensPerSecond { get; set; }
    public string? ErrorCode { get; set; }
    public string? ErrorMessage { get; set; }
    public DateTime CreatedAt { get; set; }
    public DateTime? CompletedAt { get; set; }

    /// <summary>
    /// When the replica generating this answer last saved its text (about every second while it is <c>streaming</c>);
    /// a stale heartbeat means the writer is gone and the sweep marks the answer <c>interrupted</c>.
    /// </summary>
    public DateTime? HeartbeatAt { get; set; }

    /// <summary>
    /// The knowledge passages the answer was given (JSON array of the contract's <c>CitationDto</c>, numbered as the
    /// answer cites them: <c>[1]</c>, <c>[2]</c>); null when the turn used no knowledge base.
    /// </summary>
    public string? CitationsJson { get; set; }
    public List<StoredImage> Images { get; set; } = [];
}

/// <summary>A processed image (re-encoded, metadata stripped, within the pixel budget) attached to a user message.</summary>
public sealed class StoredImage
{
    public Guid Id { get; set; }
    public Guid MessageId { get; set; }
    public Message? Message { get; set; }
    public string OwnerId { get; set; } = Owners.Local;
    public int Ordinal { get; set; }
    public string MediaType { get; set; } = "image/jpeg";
    public byte[] Data { get; set; } = [];
    public int Width { get; set; }
    public int Height { get; set; }
    public int VisualTokens { get; set; }
    public string SourceFormat { get; set; } = "";
    public int OriginalWidth { get; set; }
    public int OriginalHeight { get; set; }
    public long OriginalBytes { get; set; }
    public DateTime CreatedAt { get; set; }
}

/// <summary>Owner ids.</summary>
public static class Owners
{
    /// <summary>The single user of an install without accounts.</summary>
    public const string Local = "local";
}

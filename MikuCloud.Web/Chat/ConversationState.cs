using MikuCloud.Web.Rendering;


namespace MikuCloud.Web.Chat;

/// <summary>
/// What the page shows for one conversation. A conversation with an answer still streaming keeps its state alive
/// when the user switches away, so coming back shows the stream still going instead of a half-saved copy.
/// </summary>
public sealed class ConversationState
{
    /// <summary>The conversation; null for a new chat until its first message created it.</summary>
    public ConversationDto? Conversation { get; set; }

    /// <summary>The messages on screen, oldest first.</summary>
    public List<MessageView> Messages { get; } = [];

    /// <summary>Cursor for older messages, null when the first page is loaded.</summary>
    public string? NextCursor { get; set; }

    /// <summary>The first page is being read.</summary>
    public bool Loading { get; set; }

    /// <summary>Preset, system prompt and options for the next answer.</summary>
    public ConversationSettingsModel Settings { get; set; } = new();

    /// <summary>The answer streaming now, if any (one at a time per conversation).</summary>
    public StreamRun? Run { get; set; }

    /// <summary>The newest answer (what retry after a failed regenerate answers again).</summary>
    public MessageView? LastAnswer => Messages.LastOrDefault(m => !m.IsUser);
}

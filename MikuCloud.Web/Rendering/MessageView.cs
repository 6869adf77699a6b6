using System.Text;

namespace MikuCloud.Web.Rendering;

/// <summary>An image as the UI shows it: the Web's proxy URL for stored images, a <c>blob:</c> preview while sending.</summary>
public sealed record ImageView(string Url, string Name, int? Width = null, int? Height = null, long? Bytes = null);

/// <summary>
/// A message on screen. Mutable on purpose: while an answer streams, deltas are appended here and only the one
/// <c>ChatMessageItem</c> showing it re-renders (it listens to <see cref="Changed"/>), not the page or the list.
/// <see cref="Version"/> lets the item skip renders when nothing changed.
/// </summary>
public sealed class MessageView
{
    private readonly StringBuilder content = new();
    private string? contentCache;

    private MessageView(string role) => Role = role;

    public Guid? Id { get; private set; }

    public string Role { get; }

    public bool IsUser => Role == MessageRole.User;

    public string Content => contentCache ??= content.ToString();

    public string Status { get; private set; } = MessageStatus.Complete;

    public string? FinishReason { get; private set; }

    public string? PresetId { get; set; }

    public string? Model { get; private set; }

    public UsageDto? Usage { get; private set; }

    public TimingsDto? Timings { get; private set; }

    public ErrorDto? Error { get; private set; }

    public IReadOnlyList<ImageView> Images { get; private set; } = [];

    /// <summary>The alternatives to this message (an edit, a regenerate: <c>‹ 2/3 ›</c>), as the last history page said; null when unknown.</summary>
    public SiblingsDto? Siblings { get; private set; }

    /// <summary>An answer that was cut off or stopped, which the model can go on with.</summary>
    public bool CanContinue => !IsUser && Id is not null && Status is MessageStatus.Truncated or MessageStatus.Cancelled or MessageStatus.Interrupted;

    /// <summary>The knowledge passages an answer was given, numbered as it cites them (<c>[1]</c>, <c>[2]</c>).</summary>
    public IReadOnlyList<CitationDto> Citations { get; private set; } = [];

    public DateTime CreatedAt { get; private set; } = DateTime.UtcNow;

    /// <summary>Sent but not yet saved by the API (user message before its <c>user</c> event).</summary>
    public bool IsPending { get; private set; }

    public bool IsStreaming => Status == MessageStatus.Streaming;

    /// <summary>
    /// For an answer that never got an id (the model refused after the question was saved): the saved question's id,
    /// which regenerate accepts, so "retry" still works.
    /// </summary>
    public Guid? RetryMessageId { get; set; }

    /// <summary>The id regenerate/retry should use.</summary>
    public Guid? RegenerateId => Id ?? RetryMessageId;

    public int Version { get; private set; }

    /// <summary>Raised after every change; the item showing this message re-renders (throttled).</summary>
    public event Action? Changed;

    public static MessageView FromDto(MessageDto dto)
    {
        var view = new MessageView(dto.Role);
        view.Apply(dto, notify: false);
        return view;
    }

    /// <summary>The user's message as typed, shown at once, before the API confirms it.</summary>
    public static MessageView PendingUser(string text, IReadOnlyList<ImageView> images)
    {
        var view = new MessageView(MessageRole.User) { IsPending = true, Images = images };
        view.content.Append(text);
        return view;
    }

    /// <summary>An empty answer that will stream.</summary>
    public static MessageView StreamingAssistant(string? presetId) =>
        new(MessageRole.Assistant) { Status = MessageStatus.Streaming, PresetId = presetId };

    public void Append(string text)
    {
        if (text.Length == 0)
        {
            return;
        }

        content.Append(text);
        contentCache = null;
        Touch();
    }

    /// <summary>Starts answering again (regenerate/retry): clears the text and stats, keeps the slot in the list.</summary>
    public void Restart(string? presetId)
    {
        content.Clear();
        contentCache = null;
        Status = MessageStatus.Streaming;
        FinishReason = null;
        Usage = null;
        Timings = null;
        Error = null;
        Citations = [];
        PresetId = presetId;
        Touch();
    }

    /// <summary>The alternatives changed (a regenerate added one): the switcher shows <paramref name="siblings"/>.</summary>
    public void ShowSiblings(SiblingsDto siblings)
    {
        Siblings = siblings;
        Touch();
    }

    /// <summary>Goes on with this answer (continue): it streams again, the text so far stays and the new text is appended.</summary>
    public void Resume()
    {
        Status = MessageStatus.Streaming;
        FinishReason = null;
        Error = null;
        Touch();
    }

    /// <summary>The <c>citations</c> event: the sources arrive before the answer's first words.</summary>
    public void Cite(IReadOnlyList<CitationDto> citations)
    {
        Citations = citations;
        Touch();
    }

    /// <summary>Takes the saved state from the API (the <c>user</c>/<c>done</c> events, or a history page).</summary>
    public void Apply(MessageDto dto, bool notify = true)
    {
        Id = dto.Id;
        content.Clear().Append(dto.Content);
        contentCache = null;
        Status = dto.Status;
        FinishReason = dto.FinishReason;
        PresetId = dto.PresetId ?? PresetId;
        Model = dto.Model;
        Usage = dto.Usage;
        Timings = dto.Timings;
        Error = dto.Error;
        Citations = dto.Citations ?? Citations; // a done event without them keeps those the stream announced
        CreatedAt = dto.CreatedAt;
        IsPending = false;
        Siblings = dto.Siblings ?? Siblings;
        if (dto.Images is { Count: > 0 } images)
        {
            Images = images.Select((img, i) => new ImageView($"images/{img.Id}", Images.ElementAtOrDefault(i)?.Name ?? $"{i + 1}",
                img.Width, img.Height, img.Bytes)).ToList();
        }

        if (notify)
        {
            Touch();
        }
        else
        {
            Version++;
        }
    }

    /// <summary>The API saved the question (its id came with a refusal) but sent no <c>user</c> event.</summary>
    public void MarkSaved(Guid id)
    {
        Id = id;
        IsPending = false;
        Touch();
    }

    /// <summary>The stream ended without a <c>done</c> event (stopped, failed, connection lost).</summary>
    public void End(string status, ErrorDto? error = null)
    {
        // An error event names the saved (failed) answer: keep its id so regenerate/retry can target it.
        Id ??= error?.MessageId;
        Status = status;
        Error = error ?? Error;
        Touch();
    }

    private void Touch()
    {
        Version++;
        Changed?.Invoke();
    }
}

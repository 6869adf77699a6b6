using MikuCloud.Web.Api;
using MikuCloud.Web.Localization;

namespace MikuCloud.Web.Chat;

/// <summary>
/// Stores a saved conversation's preset, system prompt and options as the user changes them. Changes apply at once
/// to the next message (they live in the session's settings); storing them waits <see cref="Debounce"/> so dragging
/// a slider is one request, not fifty.
/// </summary>
public sealed class SettingsAutosave(IMikuApi api, UiText text, ChatSession session) : IDisposable
{
    /// <summary>How long the settings must stay still before they are stored.</summary>
    public static readonly TimeSpan Debounce = TimeSpan.FromMilliseconds(400);

    private CancellationTokenSource? pending;

    /// <summary>Raised when <see cref="Status"/> changed.</summary>
    public event Action? Changed;

    /// <summary>"Saved", or why saving failed; null while nothing was stored since the last change.</summary>
    public string? Status { get; private set; }

    /// <summary>The user changed the settings: store them once they stay still (a new chat sends them with its first message).</summary>
    public async Task SaveAsync(ConversationSettingsModel settings)
    {
        Status = null;
        if (session.State.Conversation is not { } conversation)
        {
            return;
        }

        pending?.Cancel();
        var cts = pending = new CancellationTokenSource();
        try
        {
            await Task.Delay(Debounce, cts.Token);
            var updated = await api.UpdateConversationAsync(conversation.Id, new UpdateConversationRequest(
                PresetId: settings.PresetId, SystemPrompt: settings.SystemPrompt ?? "", Options: settings.ToOptions(), Model: settings.Model), cts.Token);
            session.Saved(conversation, updated);
            Status = text["params.saved"];
        }
        catch (OperationCanceledException) when (cts.IsCancellationRequested)
        {
            return; // a newer change supersedes this one
        }
        catch (Exception ex) when (ApiFailure.IsTransport(ex))
        {
            Status = text.Format("params.saveFailed", ex is ApiException refused ? ChatNotices.Describe(refused.Problem) : text["state.apiDown"]);
        }

        Changed?.Invoke();
    }

    /// <summary>The preset picker in the header: the same as changing it in the panel.</summary>
    public Task PresetChangedAsync(string presetId)
    {
        session.State.Settings.PresetId = presetId;
        return SaveAsync(session.State.Settings);
    }

    /// <summary>
    /// The model picker: the conversation keeps its messages and answers with <paramref name="model"/> from the next
    /// message on; the preset follows the model (<paramref name="presetIds"/>: the model's presets, its default first).
    /// </summary>
    public Task ModelChangedAsync(string model, IReadOnlyList<string> presetIds)
    {
        ArgumentNullException.ThrowIfNull(presetIds);
        var settings = session.State.Settings;
        settings.Model = model;
        if (presetIds.Count > 0 && !presetIds.Contains(settings.PresetId ?? ""))
        {
            settings.PresetId = presetIds[0];
        }

        return SaveAsync(settings);
    }

    /// <summary>
    /// The composer's knowledge switch: the next message answers from <paramref name="baseIds"/> (none: knowledge off).
    /// A saved conversation stores them at once and alone (a base deleted meanwhile refuses this change only, never the
    /// other settings); a new chat sends them with its first message. Answers why it could not be stored (the switch
    /// then shows the stored choice again), or null.
    /// </summary>
    public async Task<string?> KnowledgeChangedAsync(IReadOnlyList<Guid> baseIds)
    {
        var settings = session.State.Settings;
        var before = settings.KnowledgeBaseIds;
        settings.KnowledgeBaseIds = baseIds;
        if (session.State.Conversation is not { } conversation)
        {
            return null;
        }

        try
        {
            var updated = await api.UpdateConversationAsync(conversation.Id, new UpdateConversationRequest(KnowledgeBaseIds: baseIds));
            session.Saved(conversation, updated);
            return null;
        }
        catch (Exception ex) when (ApiFailure.IsTransport(ex))
        {
            settings.KnowledgeBaseIds = before;
            return text.Format("knowledge.saveFailed", ex is ApiException refused ? ChatNotices.Describe(refused.Problem) : text["state.apiDown"]);
        }
    }

    /// <summary>Drops a pending save (the page is gone).</summary>
    public void Dispose() => pending?.Cancel();
}

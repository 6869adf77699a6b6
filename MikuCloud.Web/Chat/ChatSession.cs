using MikuCloud.Web.Api;
using MikuCloud.Web.Components.Chat;
using MikuCloud.Web.Localization;
using MikuCloud.Web.Rendering;

namespace MikuCloud.Web.Chat;

/// <summary>
/// One chat page's conversation: which one is open, its messages and paging, answers streaming now (also in
/// conversations the user switched away from), and following an answer another tab or an earlier visit started.
/// Sending, regenerating and retrying all run through <see cref="AnswerTurns"/>; this class decides <em>what</em> to run.
/// </summary>
public sealed class ChatSession : IDisposable
{
    /// <summary>Messages per page.</summary>
    public const int PageSize = 50;

    private readonly IMikuApi api;
    private readonly UiText text;
    private readonly ChatNotices notices;
    private readonly ModelStatusWatcher models;
    private readonly ILogger log;
    private readonly AnswerTurns turns;
    private readonly SavedAnswers saved;
    private readonly ChatBranches branches;
    private readonly CancellationTokenSource lifetime = new();

    /// <summary>Creates the session of one chat page.</summary>
    public ChatSession(IMikuApi api, UiText text, SubmissionUploads uploads, ChatNotices notices, ModelStatusWatcher models,
        IChatSurface surface, ILogger<ChatSession> log)
    {
        this.api = api;
        this.text = text;
        this.notices = notices;
        this.models = models;
        this.log = log;
        saved = new SavedAnswers(api, log);
        branches = new ChatBranches(api, notices, text, log);
        turns = new AnswerTurns(this, saved, branches, api, text, uploads, notices, models, surface, log);
        State = NewChat();
        models.Changed += () => State.Settings.PresetId ??= models.DefaultPresetId; // presets arrived after the page opened
    }

    /// <summary>Raised when anything on screen changed (possibly from a background task).</summary>
    public event Action? Changed;

    /// <summary>The conversation on screen.</summary>
    public ConversationState State { get; private set; } = new();

    /// <summary>An answer is being written in the conversation on screen.</summary>
    public bool Busy => State.Run is not null;

    /// <summary>
    /// The retry buffer: a send the API refused or could not be reached for. <see cref="RetryAsync"/> sends it again
    /// from here (the composer only shows the user a copy, so nothing typed is lost).
    /// </summary>
    public ChatSubmission? Kept => turns.Kept;

    /// <summary>Conversations with an answer streaming, so switching back shows it still going.</summary>
    internal Dictionary<Guid, ConversationState> Live { get; } = [];

    internal CancellationToken Lifetime => lifetime.Token;

    internal bool Disposed { get; private set; }

    /// <summary>Shows conversation <paramref name="id"/> (null: a new chat).</summary>
    public async Task OpenAsync(Guid? id)
    {
        if (id == State.Conversation?.Id)
        {
            return; // our own move to the address of the conversation a first message created, or nothing changed
        }

        notices.Clear();
        turns.Forget();
        if (id is not { } conversationId)
        {
            State = NewChat();
            return;
        }

        if (Live.TryGetValue(conversationId, out var running))
        {
            State = running;
            return;
        }

        await LoadAsync(conversationId);
    }

    /// <summary>Sends what the user wrote (a new chat's first message also creates the conversation, in one call).</summary>
    public Task SendAsync(ChatSubmission submission) => turns.SendAsync(State, submission);

    /// <summary>Sends the kept submission again (after "busy", "unreachable" or a refusal).</summary>
    public Task RetryAsync() => turns.RetryAsync(State);

    /// <summary>Answers the question before <paramref name="answer"/> again, replacing it.</summary>
    public Task RegenerateAsync(MessageView answer) => turns.RegenerateAsync(State, answer);

    /// <summary>The question being edited in place (its bubble shows an editor), or null.</summary>
    public MessageView? Editing { get; private set; }

    /// <summary>Opens the in-place editor on <paramref name="question"/> (null closes it).</summary>
    public void BeginEdit(MessageView? question)
    {
        Editing = question;
        Changed?.Invoke();
    }

    /// <summary>Sends the edited question on a new branch.</summary>
    public Task EditAsync(MessageView question, string edited)
    {
        Editing = null;
        return turns.EditAsync(State, question, edited);
    }

    /// <summary>Goes on with a cut-off or stopped answer, in place.</summary>
    public Task ContinueAsync(MessageView answer) => turns.ContinueAsync(State, answer);

    /// <summary>Shows another alternative of <paramref name="message"/> (‹ previous: −1, next ›: +1) and the branch under it.</summary>
    public async Task SwitchBranchAsync(MessageView message, int step)
    {
        Editing = null;
        await branches.SwitchAsync(State, message, step, lifetime.Token);
        Changed?.Invoke();
    }

    /// <summary>
    /// Stops the answer being written: this page stops reading at once, and the API (which keeps answering without a
    /// reader) is told to stop it, wherever it runs; it keeps what was written as <c>cancelled</c>.
    /// </summary>
    public async Task StopAsync()
    {
        var s = State;
        if (s.Run is not { } run)
        {
            return;
        }

        var answerId = run.Answer.Id;
        run.Cancellation.Cancel();
        if (s.Conversation is not { } conversation)
        {
            return;
        }

        try
        {
            // A new answer's id is not in its stream before it ends: the newest page has it, still streaming.
            answerId ??= (await api.GetMessagesAsync(conversation.Id, null, 2, lifetime.Token)).Items
                .LastOrDefault(m => m.Role == MessageRole.Assistant && m.Status == MessageStatus.Streaming)?.Id;
            if (answerId is { } id)
            {
                await api.StopAnswerAsync(conversation.Id, id, lifetime.Token);
            }
        }
        catch (Exception ex) when (ApiFailure.IsTransport(ex))
        {
            log.LogWarning(ex, "Stopping the answer failed");
        }
    }

    /// <summary>Reads the page of messages before the oldest one shown.</summary>
    public async Task LoadEarlierAsync()
    {
        var s = State;
        if (s.Conversation is null || s.NextCursor is null)
        {
            return;
        }

        try
        {
            var page = await api.GetMessagesAsync(s.Conversation.Id, s.NextCursor, PageSize, lifetime.Token);
            s.Messages.InsertRange(0, page.Items.Where(d => s.Messages.All(m => m.Id != d.Id)).Select(MessageView.FromDto));
            s.NextCursor = page.NextCursor;
        }
        catch (Exception ex) when (ApiFailure.IsTransport(ex))
        {
            notices.Show(new ChatNotice(NoticeKind.Error, text["msg.loadFailed"], CanRetry: true), LoadEarlierAsync);
        }

        Changed?.Invoke();
    }

    /// <summary>The sidebar deleted <paramref name="id"/>; true when it is the one on screen (the page then leaves it).</summary>
    public bool Deleted(Guid id)
    {
        Live.Remove(id);
        return State.Conversation?.Id == id;
    }

    /// <summary>The sidebar renamed a conversation: the header follows if it is the one on screen.</summary>
    public void Renamed(ConversationDto conversation)
    {
        if (State.Conversation?.Id == conversation.Id)
        {
            State.Conversation = conversation;
        }
    }

    /// <summary>The settings of <paramref name="before"/> were stored; keep the stored copy if it is still on screen.</summary>
    public void Saved(ConversationDto before, ConversationDto updated)
    {
        if (ReferenceEquals(State.Conversation, before))
        {
            State.Conversation = updated;
        }
    }

    internal void Render() => Changed?.Invoke();

    internal bool IsOnScreen(ConversationState s) => ReferenceEquals(State, s) && !Disposed;

    private ConversationState NewChat() => new() { Settings = new ConversationSettingsModel { PresetId = models.DefaultPresetId } };

    private async Task LoadAsync(Guid id)
    {
        var s = State = new ConversationState { Loading = true };
        try
        {
            var conversationTask = api.GetConversationAsync(id, lifetime.Token);
            var pageTask = api.GetMessagesAsync(id, null, PageSize, lifetime.Token);
            var conversation = await conversationTask;
            if (conversation is null)
            {
                // Deleted in another tab (or never there): say so without guessing which.
                s.Settings = new ConversationSettingsModel { PresetId = models.DefaultPresetId };
                notices.Show(new ChatNotice(NoticeKind.Warning, text["state.notFound"], TestId: "not-found"));
                return;
            }

            var page = await pageTask;
            s.Conversation = conversation;
            s.Settings = ConversationSettingsModel.From(conversation);
            s.Messages.AddRange(page.Items.Select(MessageView.FromDto));
            s.NextCursor = page.NextCursor;
            if (s.Messages.LastOrDefault() is { IsStreaming: true } streaming)
            {
                // Still being written (a reload mid-answer, another tab): attach and show the rest as it comes.
                _ = turns.FollowAsync(s, streaming);
            }
        }
        catch (Exception ex) when (ApiFailure.IsTransport(ex))
        {
            log.LogWarning(ex, "Loading conversation {Id} failed", id);
            notices.Show(new ChatNotice(NoticeKind.Error, text["state.apiDown"], CanRetry: true, TestId: "api-down"), () => LoadAsync(id));
        }
        finally
        {
            s.Loading = false;
        }
    }

    /// <summary>
    /// Stops this page's timers. Streams are not cancelled: an answer being written when the tab closes still
    /// completes and is saved, and the reopened page attaches to it (<see cref="AnswerTurns.FollowAsync"/>).
    /// </summary>
    public void Dispose()
    {
        Disposed = true;
        lifetime.Cancel();
    }
}

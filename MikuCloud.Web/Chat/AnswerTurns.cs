using System.Text.Json.Nodes;
using MikuCloud.Web.Api;
using MikuCloud.Web.Components.Chat;
using MikuCloud.Web.Localization;
using MikuCloud.Web.Rendering;

namespace MikuCloud.Web.Chat;

/// <summary>
/// The one way an answer is run, for send, regenerate and retry alike: one event switch, one fallback for a stream
/// that ends without a verdict, one place that undoes a refused send, one <c>finally</c>. It also keeps the retry
/// buffer: a send the API did not take stays here (<see cref="Kept"/>) until it is retried or replaced.
/// </summary>
internal sealed class AnswerTurns(ChatSession session, SavedAnswers saved, ChatBranches branches, IMikuApi api, UiText text, SubmissionUploads uploads,
    ChatNotices notices, ModelStatusWatcher models, IChatSurface surface, ILogger log)
{
    /// <summary>What one run streams into: the answer, and for a send the question and what the user submitted.</summary>
    private sealed record Turn(MessageView Answer, MessageView? Question, ChatSubmission? Submission,
        Func<CancellationToken, IAsyncEnumerable<ChatEvent>> Open);

    /// <summary>The retry buffer.</summary>
    public ChatSubmission? Kept { get; private set; }

    /// <summary>Another conversation is on screen: its retry offer is gone with its notice.</summary>
    public void Forget() => Kept = null;

    public async Task SendAsync(ConversationState s, ChatSubmission submission)
    {
        if (s.Run is not null)
        {
            await surface.HandBackAsync(submission); // one answer at a time: keep what was written
            return;
        }

        notices.Clear();
        Kept = null; // a new send replaces whatever was kept
        if (uploads.FirstMissing(submission) is { } missing)
        {
            // The upload expired (the tab sat open for hours): ask for that picture again, keep the rest.
            await surface.HandBackAsync(submission with { Attachments = submission.Attachments.Where(a => a != missing).ToList() });
            notices.Show(new ChatNotice(NoticeKind.Warning, text.Format("attach.failed", missing.Name)));
            return;
        }

        var question = MessageView.PendingUser(submission.Text,
            submission.Attachments.Select(a => new ImageView(a.PreviewUrl, a.Name, a.Width, a.Height, a.Bytes)).ToList());
        var answer = MessageView.StreamingAssistant(s.Settings.PresetId);
        s.Messages.Add(question);
        s.Messages.Add(answer);
        var outgoing = new OutgoingMessage(submission.Text, uploads.ToOutgoing(submission), s.Settings.PresetId, OptionsOf(s.Settings), s.Settings.Model,
            s.Settings.KnowledgeBaseIds);
        await RunAsync(s, new Turn(answer, question, submission, ct => s.Conversation is { } c
            ? api.SendMessageAsync(c.Id, outgoing, ct)
            // A new chat: the API creates the conversation with the first message (and names it), in one call.
            : api.StartConversationAsync(outgoing, s.Settings.SystemPrompt, title: null, ct)));
    }

    public async Task RetryAsync(ConversationState s)
    {
        if (Kept is not { } kept || s.Run is not null)
        {
            return;
        }

        Kept = null;
        await surface.WithdrawAsync(kept);
        await SendAsync(s, kept);
    }

    public async Task RegenerateAsync(ConversationState s, MessageView answer)
    {
        if (s.Run is not null || s.Conversation is not { } conversation || answer.RegenerateId is not { } messageId)
        {
            return;
        }

        notices.Clear();
        var before = answer.Siblings ?? (answer.Id is { } old ? new SiblingsDto(1, 1, [old]) : null);
        answer.Restart(s.Settings.PresetId);
        var (presetId, options) = (s.Settings.PresetId, OptionsOf(s.Settings));
        await RunAsync(s, new Turn(answer, null, null, ct => api.RegenerateAsync(conversation.Id, messageId, presetId, options, ct)));
        if (before is not null && answer.Id is { } added && !before.Ids.Contains(added))
        {
            answer.ShowSiblings(new SiblingsDto(before.Count + 1, before.Count + 1, [.. before.Ids, added])); // the earlier answer: ‹ 1/2 ›
        }
    }

    /// <summary>
    /// Sends an edited question: it replaces <paramref name="question"/> and what followed on screen, and the API answers
    /// it on a new branch (the old one stays, a switcher away).
    /// </summary>
    public async Task EditAsync(ConversationState s, MessageView question, string edited)
    {
        var at = s.Messages.IndexOf(question);
        if (s.Run is not null || s.Conversation is not { } conversation || question.Id is not { } questionId || at < 0 || edited.Trim().Length == 0)
        {
            return;
        }

        notices.Clear();
        s.Messages.RemoveRange(at, s.Messages.Count - at);
        var replacement = MessageView.PendingUser(edited, []);
        var answer = MessageView.StreamingAssistant(s.Settings.PresetId);
        s.Messages.Add(replacement);
        s.Messages.Add(answer);
        var outgoing = new OutgoingMessage(edited, [], s.Settings.PresetId, OptionsOf(s.Settings)) { EditOf = questionId };
        await RunAsync(s, new Turn(answer, replacement, null, ct => api.SendMessageAsync(conversation.Id, outgoing, ct)));
        await branches.ShowChosenAsync(s, session.Lifetime);
    }

    /// <summary>Goes on with a cut-off or stopped answer: the new text is appended to it as it streams.</summary>
    public async Task ContinueAsync(ConversationState s, MessageView answer)
    {
        if (s.Run is not null || s.Conversation is not { } conversation || answer.Id is not { } answerId || !answer.CanContinue)
        {
            return;
        }

        notices.Clear();
        answer.Resume();
        await RunAsync(s, new Turn(answer, null, null, ct => api.ContinueAsync(conversation.Id, answerId, ct)));
    }

    /// <summary>
    /// Attaches to an answer this page did not start (a reload mid-answer, another tab, a new circuit): the rest streams
    /// in from where the page's copy ends, as if it had been sent here, and Stop works on it.
    /// </summary>
    public async Task FollowAsync(ConversationState s, MessageView answer)
    {
        if (s.Run is not null || s.Conversation is not { } conversation || answer.Id is not { } messageId)
        {
            return;
        }

        var offset = answer.Content.Length;
        await RunAsync(s, new Turn(answer, null, null, ct => api.FollowAnswerAsync(conversation.Id, messageId, offset, ct)));
    }

    private async Task RunAsync(ConversationState s, Turn turn)
    {
        var answer = turn.Answer;
        using var run = new StreamRun(answer);
        s.Run = run;
        if (s.Conversation is { } open)
        {
            session.Live[open.Id] = s;
        }

        session.Render();
        await surface.ScrollToEndAsync();
        var taken = false; // the API saved the question (send) or started the answer (regenerate)
        var stoppedElsewhere = false;
        try
        {
            await foreach (var chatEvent in turn.Open(run.Cancellation.Token))
            {
                taken |= turn.Question is null;
                switch (chatEvent)
                {
                    case ConversationStarted started:
                        await AdoptAsync(s, started.Conversation);
                        break;
                    case UserMessageSaved saved:
                        turn.Question?.Apply(saved.Message);
                        taken = true;
                        notices.Accepted();
                        uploads.Delete(turn.Submission); // the API has its own processed copy now
                        break;
                    case CitationsGiven given:
                        answer.Cite(given.Citations);
                        break;
                    case AnswerDelta delta:
                        answer.Append(delta.Text);
                        break;
                    case AnswerDone done:
                        answer.Apply(done.Message);
                        break;
                    case AnswerFailed { Error.Code: ProblemCodes.Cancelled }:
                        // Stopped from another tab or device: as if stopped here, with the saved answer read back below.
                        answer.End(MessageStatus.Cancelled);
                        stoppedElsewhere = true;
                        break;
                    case AnswerFailed failed:
                        answer.End(MessageStatus.Failed, failed.Error);
                        break;
                }
            }

            if (answer.IsStreaming)
            {
                answer.End(MessageStatus.Failed, new ErrorDto("stream_ended", text["state.streamLost"]));
            }

            if (stoppedElsewhere)
            {
                await saved.ShowStoppedAsync(s, waitForSave: true, session.Lifetime);
            }

            if (turn.Question is not null && s.Conversation is { } answered)
            {
                surface.ConversationTouched(answered with { UpdatedAt = DateTime.UtcNow });
            }
        }
        catch (OperationCanceledException) when (run.Stopped)
        {
            // Stop: the aborted request is the signal; the API keeps what was written as "cancelled".
            answer.End(MessageStatus.Cancelled);
            if (turn.Question is { } question)
            {
                answer.RetryMessageId = question.Id; // retry works at once, even before the saved answer is read back
            }

            if (turn.Question is not null || taken)
            {
                await saved.ShowStoppedAsync(s, waitForSave: taken, session.Lifetime);
            }
        }
        catch (ApiException ex) when (!taken && turn.Question is { } question && ex.Problem?.MessageId is { } savedId)
        {
            // The question was saved, then the model server refused (busy/unavailable): keep the question, and let
            // "retry" regenerate an answer for it instead of sending it twice.
            if (s.Conversation is null && ex.Problem.ConversationId is { } createdId && await api.GetConversationAsync(createdId) is { } created)
            {
                await AdoptAsync(s, created);
            }

            question.MarkSaved(savedId);
            answer.RetryMessageId = savedId;
            answer.End(MessageStatus.Failed, new ErrorDto("refused", text["state.modelRefused"])); // already in the UI's words
            uploads.Delete(turn.Submission);
            notices.Show(new ChatNotice(ex.IsBusy ? NoticeKind.Busy : NoticeKind.Warning, text["state.modelRefused"], CanRetry: true,
                TestId: ex.IsBusy ? "busy" : "unavailable"), () => RegenerateAsync(s, answer));
        }
        catch (Exception ex) when (!taken && ApiFailure.IsTransport(ex))
        {
            // Refused or unreachable before anything was taken: put things back as they were, offer to try again.
            var retry = await UndoAsync(s, turn);
            if (ex is ApiException refused)
            {
                notices.ShowRefusal(refused, retry, countdown: turn.Question is not null);
                if (refused.IsUnavailable)
                {
                    _ = models.RefreshAsync();
                }
            }
            else
            {
                log.LogWarning(ex, "The API could not be reached to run an answer");
                notices.Show(new ChatNotice(NoticeKind.Error, text["state.apiDown"], CanRetry: true, TestId: "api-down"), retry);
            }
        }
        catch (Exception ex) when (ApiFailure.IsTransport(ex) || ex is IOException)
        {
            // Only the answer's stream broke; the API saves what it has as failed/cancelled.
            log.LogWarning(ex, "Answer stream broke");
            answer.End(MessageStatus.Failed, new ErrorDto("stream_lost", text["state.streamLost"]));
            notices.Show(new ChatNotice(NoticeKind.Warning, text["state.streamLost"]));
        }
        finally
        {
            s.Run = null;
            if (s.Conversation is { } c)
            {
                session.Live.Remove(c.Id);
            }

            session.Render();
        }
    }

    /// <summary>
    /// Nothing was taken. A send: its bubbles go, the session keeps the submission for retry, and the composer shows
    /// it again. A regenerate: the old answer is still saved, so it is shown again. Returns what retry does.
    /// </summary>
    private async Task<Func<Task>> UndoAsync(ConversationState s, Turn turn)
    {
        if (turn is { Question: { } question, Submission: { } submission })
        {
            s.Messages.Remove(question);
            s.Messages.Remove(turn.Answer);
            if (session.IsOnScreen(s))
            {
                Kept = submission;
                await surface.HandBackAsync(submission);
            }

            return () => RetryAsync(session.State);
        }

        await saved.RefreshTailAsync(s, session.Lifetime);
        return () => RegenerateAsync(s, s.LastAnswer ?? turn.Answer);
    }

    /// <summary>A new chat's first message created its conversation: it is saved now, with an address.</summary>
    private async Task AdoptAsync(ConversationState s, ConversationDto conversation)
    {
        s.Conversation = conversation;
        session.Live[conversation.Id] = s;
        await surface.ConversationStartedAsync(conversation, session.IsOnScreen(s));
    }

    private static JsonObject? OptionsOf(ConversationSettingsModel settings) => settings.ToOptions() is { Count: > 0 } options ? options : null;
}

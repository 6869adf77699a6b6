using Microsoft.EntityFrameworkCore;
using MikuCloud.Api.Chat;
using MikuCloud.Api.Conversations;
using MikuCloud.Api.Data;
using MikuCloud.Api.Usage;

namespace MikuCloud.Api.Turns;

/// <summary>
/// Where a turn is stored: the owner's conversation (another owner's is as unknown as a made-up id), its history, the
/// question saved with the empty answer it streams into (one transaction), and the final answer with its usage.
/// </summary>
public sealed class TurnStore(ChatDbContext db, AnswerUsageLog usageLog, TimeProvider time, ILogger<TurnStore> logger)
{
    /// <summary>The owner's conversation, or 404.</summary>
    public async Task<Conversation> FindOwnedAsync(string ownerId, Guid id, CancellationToken cancellationToken) =>
        await db.Conversations.FirstOrDefaultAsync(c => c.Id == id && c.OwnerId == ownerId, cancellationToken)
        ?? throw new ApiProblem(404, ProblemCodes.ConversationNotFound, "There is no such conversation.");

    /// <summary>
    /// For answering again: the message named (the chosen branch's last answer, or another answer to its last question:
    /// the new one becomes their sibling; or that last question, answered again) and that question with its images;
    /// 404 for a message not in the conversation, 409 for one before the branch's last turn.
    /// </summary>
    public async Task<(Message Target, Message Question)> FindLastTurnAsync(Conversation conversation, Guid messageId, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(conversation);
        var target = await db.Messages.FirstOrDefaultAsync(m => m.Id == messageId && m.ConversationId == conversation.Id, cancellationToken)
                     ?? throw new ApiProblem(404, ProblemCodes.MessageNotFound, "There is no such message in this conversation.");
        var tree = await ConversationTree.LoadAsync(db, conversation.Id, cancellationToken);
        var lastUser = tree.PathTo(tree.Leaf(conversation.CurrentMessageId)).LastOrDefault(n => n.Role == MessageRole.User);
        if (lastUser is null || (target.Role == MessageRole.User ? target.Id != lastUser.Id : target.ParentId != lastUser.Id))
        {
            throw new ApiProblem(409, ProblemCodes.NotLastTurn, "Only the last answer (or the last question) can be regenerated.");
        }

        return (target, await db.Messages.Include(m => m.Images).FirstAsync(m => m.Id == lastUser.Id, cancellationToken));
    }

    /// <summary>
    /// The message a new question follows: <paramref name="parentId"/> (any message of the conversation), the parent of
    /// the question it edits (<paramref name="editOf"/>: the new one is its sibling), or else the chosen branch's last
    /// message. 404 for a message not in the conversation, 400 for both at once or an edit of an answer.
    /// </summary>
    public async Task<Guid?> ParentOfNewQuestionAsync(Conversation conversation, Guid? parentId, Guid? editOf, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(conversation);
        if (parentId is not null && editOf is not null)
        {
            throw ApiProblem.Invalid("editOf", "Send parentId (the message the question follows) or editOf (the question it edits), not both.");
        }

        if ((parentId ?? editOf) is { } named)
        {
            var message = await db.Messages.Where(m => m.Id == named && m.ConversationId == conversation.Id)
                              .Select(m => new { m.Role, m.ParentId }).FirstOrDefaultAsync(cancellationToken)
                          ?? throw new ApiProblem(404, ProblemCodes.MessageNotFound, "There is no such message in this conversation.");
            return editOf is null ? named
                : message.Role == MessageRole.User ? message.ParentId
                : throw ApiProblem.Invalid("editOf", "editOf names a question (a user message); to answer again, regenerate.");
        }

        var tree = await ConversationTree.LoadAsync(db, conversation.Id, cancellationToken);
        return tree.Leaf(conversation.CurrentMessageId);
    }

    /// <summary>
    /// For <c>…/continue</c>: the answer named, cut off or stopped and with nothing after it, and its question with
    /// images; 404 for a message not in the conversation, 409 <c>not_continuable</c> for any other message.
    /// </summary>
    public async Task<(Message Answer, Message Question)> FindContinuableAsync(Conversation conversation, Guid messageId, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(conversation);
        var answer = await db.Messages.FirstOrDefaultAsync(m => m.Id == messageId && m.ConversationId == conversation.Id, cancellationToken)
                     ?? throw new ApiProblem(404, ProblemCodes.MessageNotFound, "There is no such message in this conversation.");
        var continuable = answer is { Role: MessageRole.Assistant, ParentId: not null }
                          && answer.Status is MessageStatus.Truncated or MessageStatus.Cancelled or MessageStatus.Interrupted
                          && !await db.Messages.AnyAsync(m => m.ConversationId == conversation.Id && m.ParentId == answer.Id, cancellationToken);
        if (!continuable)
        {
            throw new ApiProblem(409, ProblemCodes.NotContinuable,
                "Only an answer that was cut off (truncated) or stopped (cancelled, interrupted), with nothing after it, can be continued.");
        }

        return (answer, await db.Messages.Include(m => m.Images).FirstAsync(m => m.Id == answer.ParentId, cancellationToken));
    }

    /// <summary>The answer streams again, in place, and is the chosen branch's end (one small write).</summary>
    public async Task ReopenAnswerAsync(Conversation conversation, Message answer, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(conversation);
        ContinuedAnswer.Reopen(answer);
        conversation.CurrentMessageId = answer.Id;
        conversation.UpdatedAt = Timestamps.Now(time);
        await db.SaveChangesAsync(cancellationToken);
    }

    /// <summary>A continuation was refused before it generated anything: the answer is put back as it was.</summary>
    public async Task RestoreAnswerAsync(Message answer, ContinuedAnswer before)
    {
        ArgumentNullException.ThrowIfNull(before);
        before.RestoreTo(answer);
        await db.SaveChangesAsync(CancellationToken.None);
    }

    /// <summary>The turns the model sees: the branch down to <paramref name="through"/> (inclusive; none when null), image metadata only.</summary>
    public Task<List<PromptTurn>> LoadHistoryAsync(Guid conversationId, Guid? through, CancellationToken cancellationToken) =>
        PromptHistory.LoadAsync(db, conversationId, through, cancellationToken);

    /// <summary>
    /// Saves the question (new, with its images; or the last one again, replacing the answers after it) and the empty
    /// answer that the stream fills in, in one transaction: one span, so each span name in a turn's trace is one step.
    /// A new conversation is saved with them, and an untitled one is named by <see cref="ConversationTitle"/>.
    /// </summary>
    public async Task<(Message Question, Message Answer)> SaveQuestionAsync(QuestionToSave turn, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(turn);
        using var span = ChatTelemetry.Source.StartActivity("mikucloud.chat.persist_question");
        var conversation = turn.Conversation;
        if (turn.IsNewConversation)
        {
            db.Conversations.Add(conversation);
        }

        var parent = turn.ParentId;
        foreach (var earlier in turn.Earlier)
        {
            var message = Add(conversation, earlier.Role, earlier.Content, turn.PresetId);
            (message.ParentId, parent) = (parent, message.Id);
            (message.Status, message.CompletedAt) = (MessageStatus.Complete, message.CreatedAt);
            foreach (var image in earlier.Images)
            {
                image.CreatedAt = message.CreatedAt;
                message.Images.Add(image);
            }

            if (string.IsNullOrWhiteSpace(conversation.Title) && earlier.Role == MessageRole.User)
            {
                conversation.Title = ConversationTitle.From(earlier.Content);
            }
        }

        var question = turn.Again;
        if (question is null)
        {
            question = Add(conversation, MessageRole.User, turn.Content, turn.PresetId);
            question.ParentId = parent;
            question.Status = MessageStatus.Complete;
            question.CompletedAt = question.CreatedAt;
            foreach (var image in turn.Images)
            {
                image.CreatedAt = question.CreatedAt;
                question.Images.Add(image);
            }

            if (string.IsNullOrWhiteSpace(conversation.Title))
            {
                conversation.Title = ConversationTitle.From(turn.Content);
            }
        }

        // Answered again, the question keeps its earlier answers: the new one is their sibling, and the chosen branch.
        var answer = Add(conversation, MessageRole.Assistant, "", turn.PresetId);
        answer.ParentId = question.Id;
        conversation.CurrentMessageId = answer.Id;
        answer.Model = turn.Model;
        answer.OptionsJson = turn.OptionsJson;
        answer.CitationsJson = turn.CitationsJson;
        conversation.UpdatedAt = answer.CreatedAt;
        // Not retried: Seq comes from Conversation.LastSeq and ActiveTurns lets one answer per conversation run at a
        // time, so only a second instance racing on the same conversation can collide; the unique (ConversationId, Seq)
        // index then refuses the save rather than reorder silently. (A retry that never retried stood here before.)
        await db.SaveChangesAsync(cancellationToken);
        return (question, answer);
    }

    /// <summary>Nothing was generated (Ollama refused the turn): the empty answer goes, the question stays for a retry.</summary>
    public async Task DropAnswerAsync(Message answer)
    {
        ArgumentNullException.ThrowIfNull(answer);
        if (answer.Conversation is { } conversation && conversation.CurrentMessageId == answer.Id)
        {
            conversation.CurrentMessageId = answer.ParentId; // the question is the branch's end again
        }

        db.Messages.Remove(answer);
        await db.SaveChangesAsync(CancellationToken.None);
    }

    /// <summary>
    /// Saves the finished answer and its usage in one write, whatever became of the door (never tied to its token).
    /// The usage is kept when the answer cannot be (its conversation was deleted while it streamed), and the answer is
    /// kept when the usage cannot be.
    /// </summary>
    public async Task SaveAnswerAsync(Message answer, AnswerUsage usage)
    {
        ArgumentNullException.ThrowIfNull(answer);
        ArgumentNullException.ThrowIfNull(usage);
        using var span = ChatTelemetry.Source.StartActivity("mikucloud.chat.persist_answer");
        var usageEntry = db.Add(usage);
        try
        {
            // Never tied to the request: a disconnect must not stop the partial answer being saved.
            await db.SaveWithRollupAsync([usage], CancellationToken.None);
            usageEntry.State = EntityState.Detached;
        }
        catch (DbUpdateConcurrencyException)
        {
            logger.LogInformation("Conversation of answer {MessageId} was deleted while it streamed; only its usage is saved.", answer.Id);
            db.Entry(answer).State = EntityState.Detached;
            usageEntry.State = EntityState.Detached;
            usage.MessageId = null;
            await usageLog.RecordAsync(usage);
        }
        catch (DbUpdateException ex)
        {
            // Not the answer's fault (it saved before usage existed): save it alone; the usage is lost, and said so.
            logger.LogWarning("Answer {MessageId} is saved without its usage: {Reason}", answer.Id, ex.Message);
            usageEntry.State = EntityState.Detached;
            await db.SaveChangesAsync(CancellationToken.None);
        }
    }

    /// <summary>Bytes of the history images that made it into the prompt (the question's own are in memory).</summary>
    public async Task<Dictionary<Guid, (string MediaType, byte[] Data)>> ImageBytesAsync(IReadOnlyCollection<Guid> ids, CancellationToken cancellationToken) =>
        ids.Count == 0 ? [] : await db.Images.AsNoTracking().Where(i => ids.Contains(i.Id))
            .Select(i => new { i.Id, i.MediaType, i.Data }).ToDictionaryAsync(i => i.Id, i => (i.MediaType, i.Data), cancellationToken);

    private Message Add(Conversation conversation, string role, string content, string presetId)
    {
        var message = new Message
        {
            Id = Guid.NewGuid(), ConversationId = conversation.Id, Seq = ++conversation.LastSeq, Role = role, Content = content,
            Status = MessageStatus.Streaming, PresetId = presetId, CreatedAt = Timestamps.Now(time),
        };
        db.Messages.Add(message);
        return message;
    }
}

using Microsoft.EntityFrameworkCore;
using MikuCloud.Api.Chat;
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
    /// For answering again: the message named (the last answer, replaced, or the last question, answered again) and
    /// the last question with its images; 404 for a message not in the conversation, 409 for one before the last turn.
    /// </summary>
    public async Task<(Message Target, Message Question)> FindLastTurnAsync(Guid conversationId, Guid messageId, CancellationToken cancellationToken)
    {
        var target = await db.Messages.FirstOrDefaultAsync(m => m.Id == messageId && m.ConversationId == conversationId, cancellationToken)
                     ?? throw new ApiProblem(404, ProblemCodes.MessageNotFound, "There is no such message in this conversation.");
        var lastUser = await db.Messages.Where(m => m.ConversationId == conversationId && m.Role == MessageRole.User)
            .OrderByDescending(m => m.Seq).Include(m => m.Images).FirstOrDefaultAsync(cancellationToken);
        return lastUser is null || (target.Role == MessageRole.User ? target.Id != lastUser.Id : target.Seq < lastUser.Seq)
            ? throw new ApiProblem(409, ProblemCodes.NotLastTurn, "Only the last answer (or the last question) can be regenerated.")
            : (target, lastUser);
    }

    /// <summary>The turns the model sees before <paramref name="beforeSeq"/> (image metadata only).</summary>
    public Task<List<PromptTurn>> LoadHistoryAsync(Guid conversationId, long beforeSeq, CancellationToken cancellationToken) =>
        PromptHistory.LoadAsync(db, conversationId, beforeSeq, cancellationToken);

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

        foreach (var earlier in turn.Earlier)
        {
            var message = Add(conversation, earlier.Role, earlier.Content, turn.PresetId);
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
        else
        {
            // Answers after the question are replaced by the new one.
            db.Messages.RemoveRange(db.Messages.Where(m => m.ConversationId == conversation.Id && m.Seq > question.Seq));
        }

        var answer = Add(conversation, MessageRole.Assistant, "", turn.PresetId);
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

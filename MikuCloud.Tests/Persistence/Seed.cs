using Microsoft.EntityFrameworkCore;
using MikuCloud.Api.Data;
using MikuCloud.Tests.Api;

namespace MikuCloud.Tests.Persistence;

/// <summary>Writes history straight into the database (fast, and independent of the chat endpoint).</summary>
internal static class Seed
{
    public static readonly DateTime Start = new(2026, 1, 1, 8, 0, 0, DateTimeKind.Utc);

    public static async Task<Guid> ConversationAsync(ApiFactory api, string title = "seeded", DateTime? updatedAt = null)
    {
        var conversation = new Conversation
        {
            Id = Guid.NewGuid(),
            Title = title,
            PresetId = "balanced",
            CreatedAt = updatedAt ?? Start,
            UpdatedAt = updatedAt ?? Start,
        };
        await api.WithDbAsync(async db =>
        {
            db.Conversations.Add(conversation);
            return await db.SaveChangesAsync();
        });
        return conversation.Id;
    }

    /// <summary>
    /// <paramref name="count"/> messages, alternately user and assistant, numbered in their content ("message 1" … ).
    /// Every user message whose number is a multiple of <paramref name="imageEvery"/> carries two images.
    /// </summary>
    public static async Task<List<Message>> MessagesAsync(ApiFactory api, Guid conversationId, int count, int imageEvery = 0, long firstSeq = 1)
    {
        var messages = new List<Message>();
        for (var i = 0; i < count; i++)
        {
            var seq = firstSeq + i;
            var isUser = seq % 2 == 1;
            var message = new Message
            {
                Id = Guid.NewGuid(),
                ConversationId = conversationId,
                Seq = seq,
                Role = isUser ? MessageRole.User : MessageRole.Assistant,
                Content = $"message {seq}",
                Status = MessageStatus.Complete,
                CreatedAt = Start.AddSeconds(seq),
            };
            if (!isUser)
            {
                message.FinishReason = "stop";
                message.Model = "miku-vl";
                message.PresetId = "balanced";
                message.InputTokens = 100 + (int)seq;
                message.OutputTokens = 20;
                message.TimeToFirstTokenMs = 120;
                message.TotalMs = 2_500;
                message.OutputTokensPerSecond = 42;
                message.CompletedAt = message.CreatedAt.AddSeconds(2.5);
            }
            else if (imageEvery > 0 && seq % imageEvery == 0)
            {
                message.Images.Add(Image(message, 0, "image/jpeg", 64));
                message.Images.Add(Image(message, 1, "image/png", 96));
            }

            messages.Add(message);
        }

        await api.WithDbAsync(async db =>
        {
            // One branch: each message follows the one before it, the first the conversation's newest (if any).
            Guid? parent = await db.Messages.Where(m => m.ConversationId == conversationId && m.Seq < firstSeq).OrderByDescending(m => m.Seq)
                .Select(m => (Guid?)m.Id).FirstOrDefaultAsync();
            foreach (var message in messages)
            {
                (message.ParentId, parent) = (parent, message.Id);
            }

            db.Messages.AddRange(messages);
            var conversation = await db.Conversations.FindAsync(conversationId);
            conversation!.LastSeq = Math.Max(conversation.LastSeq, firstSeq + count - 1);
            conversation.CurrentMessageId = parent;
            return await db.SaveChangesAsync();
        });
        return messages;
    }

    public static StoredImage Image(Message message, int ordinal, string mediaType, int size) => new()
    {
        Id = Guid.NewGuid(),
        MessageId = message.Id,
        Ordinal = ordinal,
        MediaType = mediaType,
        Data = Enumerable.Range(0, size).Select(b => (byte)(b * 7 + ordinal)).ToArray(),
        Width = 320,
        Height = 256,
        VisualTokens = 80,
        SourceFormat = mediaType == "image/png" ? "png" : "jpeg",
        OriginalWidth = 4032,
        OriginalHeight = 3024,
        OriginalBytes = 3_000_000,
        CreatedAt = message.CreatedAt,
    };
}

using Microsoft.EntityFrameworkCore;
using MikuCloud.Api.Data;

namespace MikuCloud.Api.Conversations;

/// <summary>Reads messages as DTOs with their image metadata, never the image bytes.</summary>
public static class MessageQueries
{
    /// <summary>
    /// The newest <paramref name="limit"/> messages older than <paramref name="beforeSeq"/> (all when null), oldest first,
    /// and whether older ones exist.
    /// </summary>
    public static async Task<(List<MessageDto> Items, bool HasOlder, long OldestSeq)> PageAsync(
        ChatDbContext db, Guid conversationId, long? beforeSeq, int limit, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(db);
        var query = db.Messages.AsNoTracking().Where(m => m.ConversationId == conversationId);
        if (beforeSeq is { } before)
        {
            query = query.Where(m => m.Seq < before);
        }

        var rows = await query.OrderByDescending(m => m.Seq).Take(limit + 1).ToListAsync(cancellationToken);
        var hasOlder = rows.Count > limit;
        if (hasOlder)
        {
            rows.RemoveAt(rows.Count - 1);
        }

        rows.Reverse();
        if (rows.Count == 0)
        {
            return ([], false, 0);
        }

        var items = await WithImagesAsync(db, conversationId, rows, cancellationToken);
        return (items, hasOlder, rows[0].Seq);
    }

    /// <summary>Every message of a conversation, oldest first (export).</summary>
    public static async Task<List<MessageDto>> AllAsync(ChatDbContext db, Guid conversationId, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(db);
        var rows = await db.Messages.AsNoTracking().Where(m => m.ConversationId == conversationId).OrderBy(m => m.Seq).ToListAsync(cancellationToken);
        return rows.Count == 0 ? [] : await WithImagesAsync(db, conversationId, rows, cancellationToken);
    }

    private static async Task<List<MessageDto>> WithImagesAsync(ChatDbContext db, Guid conversationId, List<Message> rows, CancellationToken cancellationToken)
    {
        long first = rows[0].Seq, last = rows[^1].Seq;
        var images = await db.Images.AsNoTracking()
            .Where(i => i.Message!.ConversationId == conversationId && i.Message.Seq >= first && i.Message.Seq <= last)
            .OrderBy(i => i.Ordinal)
            .Select(i => new
            {
                Image = new StoredImage
                {
                    Id = i.Id,
                    MessageId = i.MessageId,
                    OwnerId = i.OwnerId,
                    Ordinal = i.Ordinal,
                    MediaType = i.MediaType,
                    Width = i.Width,
                    Height = i.Height,
                    VisualTokens = i.VisualTokens,
                    SourceFormat = i.SourceFormat,
                    OriginalWidth = i.OriginalWidth,
                    OriginalHeight = i.OriginalHeight,
                    OriginalBytes = i.OriginalBytes,
                    CreatedAt = i.CreatedAt,
                },
                Bytes = (long)i.Data.Length,
            })
            .ToListAsync(cancellationToken);

        var byMessage = images.ToLookup(x => x.Image.MessageId, x => Mapping.ToDto(x.Image, x.Bytes));
        return rows.Select(m => Mapping.ToDto(m, byMessage[m.Id].ToList())).ToList();
    }
}

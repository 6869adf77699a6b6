using Microsoft.EntityFrameworkCore;
using MikuCloud.Api.Data;

namespace MikuCloud.Api.Conversations;

/// <summary>
/// Reads messages as DTOs with their image metadata, never the image bytes: the chosen branch a page at a time, the
/// chosen branch whole (Markdown export), or the whole tree (JSON export). Every message carries its siblings.
/// </summary>
public static class MessageQueries
{
    /// <summary>
    /// The newest <paramref name="limit"/> messages of the chosen branch older than <paramref name="beforeSeq"/> (all
    /// when null), oldest first, and whether older ones exist. Along a branch <see cref="Message.Seq"/> only grows, so it
    /// stays the cursor.
    /// </summary>
    public static async Task<(List<MessageDto> Items, bool HasOlder, long OldestSeq)> PageAsync(
        ChatDbContext db, Guid conversationId, long? beforeSeq, int limit, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(db);
        var current = await db.Conversations.Where(c => c.Id == conversationId).Select(c => c.CurrentMessageId).FirstOrDefaultAsync(cancellationToken);
        var tree = await ConversationTree.LoadAsync(db, conversationId, cancellationToken);
        var path = tree.PathTo(tree.Leaf(current)).Where(n => beforeSeq is not { } before || n.Seq < before).ToList();
        var hasOlder = path.Count > limit;
        var page = path.Skip(Math.Max(0, path.Count - limit)).ToList();
        if (page.Count == 0)
        {
            return ([], false, 0);
        }

        var items = await ReadAsync(db, tree, page.Select(n => n.Id).ToList(), cancellationToken);
        return (items, hasOlder, page[0].Seq);
    }

    /// <summary>The chosen branch, oldest first (the Markdown export).</summary>
    public static async Task<List<MessageDto>> BranchAsync(ChatDbContext db, Guid conversationId, Guid? current, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(db);
        var tree = await ConversationTree.LoadAsync(db, conversationId, cancellationToken);
        var path = tree.PathTo(tree.Leaf(current));
        return path.Count == 0 ? [] : await ReadAsync(db, tree, path.Select(n => n.Id).ToList(), cancellationToken);
    }

    /// <summary>Every message of a conversation, every branch, oldest first (the JSON export).</summary>
    public static async Task<List<MessageDto>> AllAsync(ChatDbContext db, Guid conversationId, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(db);
        var tree = await ConversationTree.LoadAsync(db, conversationId, cancellationToken);
        var rows = await db.Messages.AsNoTracking().Where(m => m.ConversationId == conversationId).OrderBy(m => m.Seq).ToListAsync(cancellationToken);
        return rows.Count == 0 ? [] : await WithImagesAsync(db, tree, rows, conversationId, cancellationToken);
    }

    private static async Task<List<MessageDto>> ReadAsync(ChatDbContext db, ConversationTree tree, List<Guid> ids, CancellationToken cancellationToken)
    {
        var rows = await db.Messages.AsNoTracking().Where(m => ids.Contains(m.Id)).OrderBy(m => m.Seq).ToListAsync(cancellationToken);
        return await WithImagesAsync(db, tree, rows, null, cancellationToken);
    }

    /// <summary>The rows as DTOs with their images: those of <paramref name="wholeConversation"/>, or of the rows only.</summary>
    private static async Task<List<MessageDto>> WithImagesAsync(ChatDbContext db, ConversationTree tree, List<Message> rows, Guid? wholeConversation,
        CancellationToken cancellationToken)
    {
        var ids = rows.Select(m => m.Id).ToList();
        var query = db.Images.AsNoTracking();
        query = wholeConversation is { } conversationId
            ? query.Where(i => i.Message!.ConversationId == conversationId)
            : query.Where(i => ids.Contains(i.MessageId));
        var images = await query
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
        return rows.Select(m => Mapping.ToDto(m, byMessage[m.Id].ToList(), tree.Siblings(m.Id))).ToList();
    }
}

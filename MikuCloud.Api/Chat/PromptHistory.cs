using Microsoft.EntityFrameworkCore;
using MikuCloud.Api.Conversations;
using MikuCloud.Api.Data;

namespace MikuCloud.Api.Chat;

/// <summary>The queries a chat turn runs to build its prompt (shared with the benchmarks, which time exactly these).</summary>
public static class PromptHistory
{
    /// <summary>
    /// The history the model should see, oldest first: the branch from the first question down to
    /// <paramref name="through"/> (inclusive; none when null), its questions and the answers that finished (a failed or
    /// cancelled fragment would confuse it). Image metadata only: bytes are loaded for the images that fit.
    /// </summary>
    public static async Task<List<PromptTurn>> LoadAsync(ChatDbContext db, Guid conversationId, Guid? through, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(db);
        var tree = await ConversationTree.LoadAsync(db, conversationId, cancellationToken);
        var path = tree.PathTo(through);
        if (path.Count == 0)
        {
            return [];
        }

        // The same range query as before branches (other branches' rows in it are few and dropped here), rather than
        // an IN list of every id on a long branch.
        var onBranch = path.Select(n => n.Id).ToHashSet();
        var last = path[^1].Seq;
        var rows = await db.Messages.AsNoTracking()
            .Where(m => m.ConversationId == conversationId && m.Seq <= last
                        && (m.Role == MessageRole.User || m.Status == MessageStatus.Complete || m.Status == MessageStatus.Truncated))
            .OrderBy(m => m.Seq)
            .Select(m => new { m.Id, m.Role, m.Content, Images = m.Images.OrderBy(i => i.Ordinal).Select(i => new PromptImage(i.Id, i.VisualTokens)).ToList() })
            .ToListAsync(cancellationToken);
        return rows.Where(r => onBranch.Contains(r.Id)).Select(r => new PromptTurn(r.Role, r.Content, r.Images)).ToList();
    }
}

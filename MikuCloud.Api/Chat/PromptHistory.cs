using Microsoft.EntityFrameworkCore;
using MikuCloud.Api.Data;

namespace MikuCloud.Api.Chat;

/// <summary>The queries a chat turn runs to build its prompt (shared with the benchmarks, which time exactly these).</summary>
public static class PromptHistory
{
    /// <summary>
    /// The history the model should see before <paramref name="beforeSeq"/>, oldest first: questions, and answers that
    /// finished (a failed or cancelled fragment would confuse it). Image metadata only: bytes are loaded for the images that fit.
    /// </summary>
    public static async Task<List<PromptTurn>> LoadAsync(ChatDbContext db, Guid conversationId, long beforeSeq, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(db);
        var rows = await db.Messages.AsNoTracking()
            .Where(m => m.ConversationId == conversationId && m.Seq < beforeSeq
                        && (m.Role == MessageRole.User || m.Status == MessageStatus.Complete || m.Status == MessageStatus.Truncated))
            .OrderBy(m => m.Seq)
            .Select(m => new { m.Role, m.Content, Images = m.Images.OrderBy(i => i.Ordinal).Select(i => new PromptImage(i.Id, i.VisualTokens)).ToList() })
            .ToListAsync(cancellationToken);
        return rows.Select(r => new PromptTurn(r.Role, r.Content, r.Images)).ToList();
    }
}

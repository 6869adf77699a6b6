using Microsoft.EntityFrameworkCore;
using MikuCloud.Api.Data;

namespace MikuCloud.Api.Knowledge;

/// <summary>
/// Which knowledge bases a conversation answers from (<see cref="ConversationKnowledge"/>): checked readable when set
/// (owned, or shared by an admin; anything else is as unknown as a made-up id), and read back through the same rule, so a
/// base that stopped being shared drops out of a conversation's list and its retrieval.
/// </summary>
public sealed class ConversationKnowledgeStore(ChatDbContext db)
{
    /// <summary>Most bases one conversation can use.</summary>
    public const int MaxBasesPerConversation = 20;

    /// <summary>
    /// The bases named, deduplicated and in the order given, when the owner can read them all; a 404
    /// <c>knowledge_base_not_found</c> for the first that is unknown or someone else's unshared base.
    /// </summary>
    public async Task<IReadOnlyList<Guid>> ReadableAsync(string ownerId, IReadOnlyList<Guid> ids, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(ids);
        var distinct = ids.Distinct().ToList();
        if (distinct.Count == 0)
        {
            return [];
        }

        if (distinct.Count > MaxBasesPerConversation)
        {
            throw ApiProblem.Invalid("knowledgeBaseIds", $"A conversation can use at most {MaxBasesPerConversation} knowledge bases ({distinct.Count} given).");
        }

        var readable = await Readable(ownerId).Where(b => distinct.Contains(b.Id)).Select(b => b.Id).ToListAsync(cancellationToken);
        var unreadable = distinct.Where(id => !readable.Contains(id)).Take(1).ToList();
        return unreadable.Count > 0 ? throw KnowledgeProblems.BaseNotFound(unreadable[0]) : distinct;
    }

    /// <summary>The bases a conversation uses that its owner can still read.</summary>
    public async Task<IReadOnlyList<Guid>> OfAsync(string ownerId, Guid conversationId, CancellationToken cancellationToken) =>
        (await OfAsync(ownerId, [conversationId], cancellationToken)).GetValueOrDefault(conversationId, []);

    /// <summary>The same for a page of conversations, in one query.</summary>
    public async Task<Dictionary<Guid, IReadOnlyList<Guid>>> OfAsync(string ownerId, IReadOnlyCollection<Guid> conversationIds, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(conversationIds);
        if (conversationIds.Count == 0)
        {
            return [];
        }

        var rows = await db.ConversationKnowledge.AsNoTracking()
            .Where(k => conversationIds.Contains(k.ConversationId))
            .Join(Readable(ownerId), k => k.BaseId, b => b.Id, (k, b) => new { k.ConversationId, k.BaseId, b.CreatedAt })
            .ToListAsync(cancellationToken);
        return rows.GroupBy(r => r.ConversationId)
            .ToDictionary(g => g.Key, g => (IReadOnlyList<Guid>)g.OrderBy(r => r.CreatedAt).ThenBy(r => r.BaseId).Select(r => r.BaseId).ToList());
    }

    /// <summary>Replaces the conversation's bases (checked with <see cref="ReadableAsync"/> first); saved with the caller's next save.</summary>
    public async Task ReplaceAsync(Guid conversationId, IReadOnlyList<Guid> baseIds, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(baseIds);
        var set = db.ConversationKnowledge;
        var existing = await set.Where(k => k.ConversationId == conversationId).ToListAsync(cancellationToken);
        set.RemoveRange(existing.Where(k => !baseIds.Contains(k.BaseId)));
        set.AddRange(baseIds.Where(id => existing.All(k => k.BaseId != id)).Select(id => new ConversationKnowledge { ConversationId = conversationId, BaseId = id }));
    }

    private IQueryable<KnowledgeBase> Readable(string ownerId) =>
        db.KnowledgeBases.AsNoTracking().ReadableBy(ownerId);
}

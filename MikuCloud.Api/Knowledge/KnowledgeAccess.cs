namespace MikuCloud.Api.Knowledge;

/// <summary>
/// Who may read a knowledge base: its owner, and everyone when an admin shared it. The one place the rule is written;
/// every query for a caller goes through it, so another user's base is not found, exactly like an unknown one.
/// </summary>
public static class KnowledgeAccess
{
    /// <summary>The bases <paramref name="owner"/> can read: their own and the shared ones.</summary>
    public static IQueryable<KnowledgeBase> ReadableBy(this IQueryable<KnowledgeBase> bases, string owner) =>
        bases.Where(b => b.OwnerId == owner || b.Shared);
}

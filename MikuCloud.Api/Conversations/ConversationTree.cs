using Microsoft.EntityFrameworkCore;
using MikuCloud.Api.Data;

namespace MikuCloud.Api.Conversations;

/// <summary>
/// The shape of a conversation's message tree (ids, parents and order, no content): the chosen branch, a message's
/// siblings (‹ 2/3 ›) and the leaf a switch lands on. Loaded in one narrow query; everything else is computed in memory.
/// </summary>
public sealed class ConversationTree
{
    private readonly Dictionary<Guid, Node> nodes;
    private readonly ILookup<Guid?, Node> children;

    private ConversationTree(List<Node> all)
    {
        nodes = all.ToDictionary(n => n.Id);
        children = all.OrderBy(n => n.Seq).ToLookup(n => n.ParentId);
    }

    /// <summary>One message's place in the tree.</summary>
    public sealed record Node(Guid Id, Guid? ParentId, long Seq, string Role);

    /// <summary>Reads the tree of <paramref name="conversationId"/>.</summary>
    public static async Task<ConversationTree> LoadAsync(ChatDbContext db, Guid conversationId, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(db);
        var all = await db.Messages.AsNoTracking().Where(m => m.ConversationId == conversationId)
            .Select(m => new Node(m.Id, m.ParentId, m.Seq, m.Role)).ToListAsync(cancellationToken);
        return new ConversationTree(all);
    }

    /// <summary>Whether the conversation has the message.</summary>
    public bool Contains(Guid id) => nodes.ContainsKey(id);

    /// <summary>The message, or null when it is not in this conversation.</summary>
    public Node? Find(Guid id) => nodes.GetValueOrDefault(id);

    /// <summary>
    /// The leaf the conversation shows: <paramref name="current"/> when it is one of its messages, else the newest
    /// message (a conversation written before branches existed, or whose chosen leaf was deleted with it).
    /// </summary>
    public Guid? Leaf(Guid? current) =>
        current is { } id && nodes.ContainsKey(id) ? id : nodes.Count == 0 ? null : nodes.Values.MaxBy(n => n.Seq)!.Id;

    /// <summary>The messages from the first question down to <paramref name="leaf"/> (inclusive), oldest first; empty for null.</summary>
    public List<Node> PathTo(Guid? leaf)
    {
        var path = new List<Node>();
        for (var node = leaf is { } id ? nodes.GetValueOrDefault(id) : null; node is not null;
             node = node.ParentId is { } parent ? nodes.GetValueOrDefault(parent) : null)
        {
            path.Add(node);
            if (path.Count > nodes.Count)
            {
                throw new InvalidOperationException("The message tree has a cycle."); // cannot be written, but never loop
            }
        }

        path.Reverse();
        return path;
    }

    /// <summary>The messages that follow the same message as <paramref name="id"/> (itself included), oldest first.</summary>
    public IReadOnlyList<Guid> SiblingsOf(Guid id) =>
        nodes.TryGetValue(id, out var node) ? children[node.ParentId].Select(n => n.Id).ToList() : [];

    /// <summary>Whether anything follows <paramref name="id"/>.</summary>
    public bool HasChildren(Guid id) => children[id].Any();

    /// <summary>
    /// Where choosing <paramref name="id"/> leads: down from it, always to the newest message that follows, to a leaf
    /// (the branch as it was last written).
    /// </summary>
    public Guid LatestLeafUnder(Guid id)
    {
        var leaf = id;
        for (var step = 0; step <= nodes.Count && children[leaf].LastOrDefault() is { } next; step++)
        {
            leaf = next.Id;
        }

        return leaf;
    }

    /// <summary>The sibling view of a message for the wire: its place (1-based), how many, and their ids.</summary>
    public SiblingsDto Siblings(Guid id)
    {
        var ids = SiblingsOf(id);
        return new SiblingsDto(ids.ToList().IndexOf(id) + 1, ids.Count, ids);
    }
}

using MikuCloud.Api.Data;
using MikuCloud.Api.Knowledge;
using MikuCloud.Tests.Api;

namespace MikuCloud.Tests.Knowledge;

/// <summary>Knowledge bases written straight to the test API's database, for the chat-with-knowledge tests.</summary>
internal static class KnowledgeChatSeed
{
    /// <summary>Another account: its unshared bases must look unknown to the single user.</summary>
    public const string Stranger = "someone-else";

    public static async Task<Guid> BaseAsync(this ApiFactory api, string name, string ownerId = Owners.Local, bool shared = false)
    {
        var id = Guid.CreateVersion7();
        await api.WithDbAsync(async db =>
        {
            var now = DateTime.UtcNow;
            db.KnowledgeBases.Add(new KnowledgeBase { Id = id, OwnerId = ownerId, Name = name, Shared = shared, EmbeddingModel = "miku-embed", CreatedAt = now, UpdatedAt = now });
            return await db.SaveChangesAsync();
        });
        return id;
    }
}

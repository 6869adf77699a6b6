using System.Text.Json;

namespace MikuCloud.Api.Knowledge;

/// <summary>
/// Reads <c>knowledgeBaseIds</c> from a conversation's create or patch body: an array of ids, or null for none. The
/// name matches case-insensitively, as every field of that body does.
/// </summary>
public static class ConversationKnowledgeField
{
    /// <summary>The ids when the field is present (null or <c>[]</c>: none), null when it is absent; a 400 for any other shape.</summary>
    public static IReadOnlyList<Guid>? Read(JsonElement body)
    {
        if (body.ValueKind != JsonValueKind.Object)
        {
            return null;
        }

        IReadOnlyList<Guid>? ids = null;
        foreach (var property in body.EnumerateObject().Where(p => p.Name.Equals("knowledgeBaseIds", StringComparison.OrdinalIgnoreCase)))
        {
            ids = property.Value.ValueKind switch
            {
                JsonValueKind.Null => [],
                JsonValueKind.Array => [.. property.Value.EnumerateArray().Select(Parse)],
                _ => throw Invalid(),
            };
        }

        return ids;
    }

    private static Guid Parse(JsonElement item) =>
        item.ValueKind == JsonValueKind.String && Guid.TryParse(item.GetString(), out var id) ? id : throw Invalid();

    private static ApiProblem Invalid() =>
        ApiProblem.Invalid("knowledgeBaseIds", "knowledgeBaseIds must be an array of knowledge base ids (from GET /api/knowledge/bases), or null for none.");
}

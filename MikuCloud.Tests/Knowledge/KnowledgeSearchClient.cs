using System.Net.Http.Json;

namespace MikuCloud.Tests.Knowledge;

/// <summary><c>POST /api/knowledge/search</c> from a test.</summary>
public static class KnowledgeSearchClient
{
    public static async Task<IReadOnlyList<KnowledgePassageDto>> SearchAsync(this HttpClient client, string query, IReadOnlyList<Guid>? baseIds = null,
        int? top = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(client);
        using var response = await client.PostAsJsonAsync("/api/knowledge/search", new KnowledgeSearchRequest(query, baseIds, top), cancellationToken);
        var text = await response.Content.ReadAsStringAsync(cancellationToken);
        Assert.True(response.IsSuccessStatusCode, $"search answered {(int)response.StatusCode}: {text}");
        return System.Text.Json.JsonSerializer.Deserialize<KnowledgeSearchResult>(text, System.Text.Json.JsonSerializerOptions.Web)!.Passages;
    }
}

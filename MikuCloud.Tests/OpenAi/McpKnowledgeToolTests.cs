using System.Net.Http.Json;
using System.Text.Json;
using MikuCloud.Api.Knowledge;
using MikuCloud.Tests.Knowledge;
using ModelContextProtocol.Client;
using ModelContextProtocol.Protocol;

namespace MikuCloud.Tests.OpenAi;

/// <summary>
/// The MCP tool <c>search_knowledge</c> through the official MCP C# client with a personal key: the caller's bases and
/// the shared ones, never another account's private base (named, it reads like an unknown one).
/// </summary>
public class McpKnowledgeToolTests : OpenAiDoorTest
{
    private async Task<(McpClient Client, string Owner)> ConnectAsync()
    {
        var admin = await SetupAdminAsync();
        using var session = As(admin);
        using var created = await session.PostAsJsonAsync("/api/keys", new { name = "mcp host" }, Ct);
        var key = (await created.Content.ReadFromJsonAsync<CreatedApiKey>(Ct))!.Key;
        using var probe = api.CreateClient();
        var transport = new HttpClientTransport(new HttpClientTransportOptions
        {
            Endpoint = new Uri(probe.BaseAddress!, "/mcp"),
            AdditionalHeaders = new Dictionary<string, string> { ["Authorization"] = "Bearer " + key },
        });
        api.Ollama.WithModel("miku-embed", "qwen3-embedding:0.6b");
        return (await McpClient.CreateAsync(transport, cancellationToken: Ct), admin.User.Id);
    }

    private static string Text(CallToolResult result) => string.Concat(result.Content.OfType<TextContentBlock>().Select(b => b.Text));

    [Fact]
    public async Task Search_knowledge_finds_passages_of_the_callers_and_shared_bases_with_document_page_and_heading()
    {
        var (client, owner) = await ConnectAsync();
        await using var _ = client;
        var mine = await KnowledgeSeed.BaseAsync(api, "bike manual", owner);
        await KnowledgeSeed.DocumentAsync(api, mine, "manual.md",
            [new DocumentChunk(0, 1, 0, null, "Intro."), new DocumentChunk(1, 3, 0, "Brakes", "Replace the brake pads every 2,000 km.")], cancellationToken: Ct);
        var shared = await KnowledgeSeed.BaseAsync(api, "wiki", "someone-else", shared: true);
        await KnowledgeSeed.DocumentAsync(api, shared, "wiki.md", KnowledgeSeed.Pages("Brake pads are in the store room."), cancellationToken: Ct);
        var theirs = await KnowledgeSeed.BaseAsync(api, "private", "someone-else");
        await KnowledgeSeed.DocumentAsync(api, theirs, "secret.md", KnowledgeSeed.Pages("Brake pads secret stash: locker 7."), cancellationToken: Ct);

        var result = await client.CallToolAsync("search_knowledge", new Dictionary<string, object?> { ["query"] = "brake pads", ["top"] = 10 }, cancellationToken: Ct);

        Assert.True(result.IsError is null or false, Text(result));
        var found = JsonSerializer.Deserialize<KnowledgeSearchResult>(Text(result), JsonSerializerOptions.Web)!.Passages;
        var pads = Assert.Single(found, p => p.BaseId == mine && p.Text.Contains("brake pads", StringComparison.Ordinal));
        Assert.Equal(("manual.md", 3, "Brakes"), (pads.DocumentName, pads.Page, pads.Heading));
        Assert.Contains(found, p => p.BaseId == shared);
        Assert.DoesNotContain(found, p => p.BaseId == theirs || p.Text.Contains("locker", StringComparison.Ordinal));
    }

    [Fact]
    public async Task A_foreign_base_named_to_search_knowledge_is_an_error_worded_like_an_unknown_one()
    {
        var (client, _) = await ConnectAsync();
        await using var __ = client;
        var theirs = await KnowledgeSeed.BaseAsync(api, "private", "someone-else");
        await KnowledgeSeed.DocumentAsync(api, theirs, "secret.md", KnowledgeSeed.Pages("The vault code is 7741."), cancellationToken: Ct);
        var unknown = Guid.NewGuid();

        var named = await client.CallToolAsync("search_knowledge", new Dictionary<string, object?> { ["query"] = "vault code", ["baseIds"] = new[] { theirs } }, cancellationToken: Ct);
        var missing = await client.CallToolAsync("search_knowledge", new Dictionary<string, object?> { ["query"] = "vault code", ["baseIds"] = new[] { unknown } }, cancellationToken: Ct);

        Assert.Equal((true, true), (named.IsError, missing.IsError));
        Assert.Contains(ProblemCodes.KnowledgeBaseNotFound + ": There is no knowledge base", Text(named), StringComparison.Ordinal);
        Assert.Equal(Text(missing).Replace(unknown.ToString(), "{id}", StringComparison.Ordinal), Text(named).Replace(theirs.ToString(), "{id}", StringComparison.Ordinal));
        Assert.DoesNotContain("7741", Text(named), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Bad_input_to_search_knowledge_is_an_error_with_the_code()
    {
        var (client, _) = await ConnectAsync();
        await using var _ = client;

        var result = await client.CallToolAsync("search_knowledge", new Dictionary<string, object?> { ["query"] = "  ", ["top"] = 500 }, cancellationToken: Ct);

        Assert.True(result.IsError);
        Assert.Contains(ProblemCodes.InvalidRequest + ":", Text(result), StringComparison.Ordinal);
    }
}

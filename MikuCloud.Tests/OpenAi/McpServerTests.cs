using System.Net;
using MikuCloud.Tests.Images;
using ModelContextProtocol.Client;
using ModelContextProtocol.Protocol;

namespace MikuCloud.Tests.OpenAi;

/// <summary>The MCP server at <c>/mcp</c> through the official MCP C# client with a personal key: every tool listed and called.</summary>
public class McpServerTests : OpenAiDoorTest
{
    private static readonly string Answer = string.Concat(MikuCloud.Testing.FakeChatReply.WireChunks);

    private async Task<McpClient> ConnectAsync(string key)
    {
        using var probe = api.CreateClient();
        var transport = new HttpClientTransport(new HttpClientTransportOptions
        {
            Endpoint = new Uri(probe.BaseAddress!, "/mcp"),
            AdditionalHeaders = new Dictionary<string, string> { ["Authorization"] = "Bearer " + key },
        });
        return await McpClient.CreateAsync(transport, cancellationToken: Ct);
    }

    private static string Text(CallToolResult result) => string.Concat(result.Content.OfType<TextContentBlock>().Select(b => b.Text));

    [Fact]
    public async Task The_tools_are_listed_with_english_and_chinese_descriptions()
    {
        await using var client = await ConnectAsync(await KeyAsync());

        var tools = await client.ListToolsAsync(cancellationToken: Ct);

        Assert.Equal(["ask", "describe_image", "locate_objects", "read_text", "search_knowledge"], tools.Select(t => t.Name).Order());
        Assert.All(tools, t => Assert.Matches(@"\p{IsCJKUnifiedIdeographs}", t.Description!));
        Assert.All(tools, t => Assert.Matches("[a-z]{4}", t.Description!));
    }

    [Fact]
    public async Task Each_tool_runs_a_turn_with_the_image_through_the_pipeline()
    {
        await using var client = await ConnectAsync(await KeyAsync());
        using var bitmap = TestImages.Solid(640, 480, TestImages.Blue);
        var png = Convert.ToBase64String(TestImages.Png(bitmap));

        foreach (var (tool, args) in new (string, Dictionary<string, object?>)[]
                 {
                     ("describe_image", new() { ["image"] = png, ["language"] = "zh" }),
                     ("read_text", new() { ["image"] = "data:image/png;base64," + png }),
                     ("locate_objects", new() { ["image"] = png, ["objects"] = "cats" }),
                 })
        {
            var result = await client.CallToolAsync(tool, args, cancellationToken: Ct);

            Assert.True(result.IsError is null or false, Text(result));
            Assert.Equal(Answer, Text(result));
            var sent = api.Ollama.ChatRequests.Last();
            Assert.Single(sent["messages"]!.AsArray().Last()!["images"]!.AsArray());
        }

        Assert.Equal("json", api.Ollama.ChatRequests.Last()["format"]!.GetValue<string>()); // locate_objects asks for JSON
        var asked = await client.CallToolAsync("ask", new Dictionary<string, object?> { ["question"] = "1+1?" }, cancellationToken: Ct);
        Assert.Equal(Answer, Text(asked));
        Assert.Equal(0, await api.WithDbAsync(db => Task.FromResult(db.Messages.Count()))); // nothing stored
    }

    [Fact]
    public async Task A_refused_turn_is_a_tool_error_with_the_code()
    {
        await using var client = await ConnectAsync(await KeyAsync());

        var result = await client.CallToolAsync("describe_image", new Dictionary<string, object?> { ["image"] = Convert.ToBase64String("not an image"u8.ToArray()) },
            cancellationToken: Ct);

        Assert.True(result.IsError);
        Assert.Contains(ProblemCodes.ImageUnsupportedFormat, Text(result), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Without_a_key_the_server_answers_401()
    {
        await KeyAsync();
        using var anonymous = Anonymous();

        using var response = await anonymous.PostAsync("/mcp", new StringContent("""{"jsonrpc":"2.0","id":1,"method":"tools/list"}""", System.Text.Encoding.UTF8, "application/json"), Ct);

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        await Assert.ThrowsAnyAsync<Exception>(() => ConnectAsync("mkc_wrong-key-000000000000000000000000000"));
    }
}

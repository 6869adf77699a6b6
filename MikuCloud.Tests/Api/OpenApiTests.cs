using System.Net;
using System.Text.Json.Nodes;

namespace MikuCloud.Tests.Api;

public class OpenApiTests : ApiTest
{
    [Fact]
    public async Task The_document_describes_the_chat_stream_and_its_problems()
    {
        var client = api.CreateClient();
        var doc = JsonNode.Parse(await client.GetStringAsync("/openapi/v1.json", TestContext.Current.CancellationToken))!;

        Assert.Equal("MikuCloud API", doc["info"]!["title"]!.GetValue<string>());
        var send = doc["paths"]!["/api/conversations/{id}/messages"]!["post"]!;
        Assert.NotNull(send["responses"]!["200"]!["content"]!["text/event-stream"]);
        foreach (var status in new[] { "400", "404", "409", "413", "415", "429", "503" })
        {
            Assert.NotNull(send["responses"]![status]!["content"]!["application/problem+json"]);
        }

        Assert.NotNull(send["requestBody"]!["content"]!["multipart/form-data"]);
        Assert.NotNull(send["requestBody"]!["content"]!["application/json"]);
        Assert.NotNull(doc["paths"]!["/api/conversations/{id}/messages/{messageId}/regenerate"]);
        Assert.NotNull(doc["paths"]!["/api/presets"]);
        Assert.NotNull(doc["paths"]!["/api/models"]);
    }

    [Fact]
    public async Task The_other_doors_are_documented_so_the_sweeps_and_the_fuzz_reach_them()
    {
        var client = api.CreateClient();
        var paths = JsonNode.Parse(await client.GetStringAsync("/openapi/v1.json", TestContext.Current.CancellationToken))!["paths"]!;

        Assert.NotNull(paths["/v1/chat/completions"]?["post"]);
        Assert.NotNull(paths["/v1/models"]?["get"]);
        Assert.NotNull(paths["/v1/models/{id}"]?["get"]);
        Assert.NotNull(paths["/mcp"]?["post"]);
    }

    [Fact]
    public async Task The_reference_ui_is_served_in_development()
    {
        using var response = await api.CreateClient().GetAsync("/scalar/", TestContext.Current.CancellationToken);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Contains("text/html", response.Content.Headers.ContentType!.ToString(), StringComparison.Ordinal);
    }
}

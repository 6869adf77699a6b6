using System.Net;
using System.Text;
using System.Text.Json.Nodes;
using MikuCloud.Tests.Api;

namespace MikuCloud.Tests.Reliability;

/// <summary>
/// What a refused request costs and what its answer says: the API refuses an oversized field before holding the body,
/// echoes a bounded amount of what was sent, names no .NET types and does not reflect the caller's <c>Host</c>.
/// </summary>
public class RefusalCostTests : ApiTest
{
    [Fact]
    public async Task A_message_far_over_the_length_limit_is_refused_before_it_is_read_whole()
    {
        var id = await api.NewConversationAsync();
        using var content = new StreamContent(new LongContentStream(64L * 1024 * 1024));
        content.Headers.ContentType = new("application/json");
        using var response = await api.CreateClient().PostAsync($"/api/conversations/{id}/messages", content, Ct);
        var answer = await response.Content.ReadAsStringAsync(Ct);

        Assert.True(response.StatusCode == HttpStatusCode.BadRequest, $"{(int)response.StatusCode} {answer}");
        // "longer than": refused while arriving. Counting its characters would have meant holding all of it.
        Assert.Equal("The message is longer than 100,000 characters; the limit is 100,000.",
            JsonNode.Parse(answer)!["errors"]!["content"]![0]!.GetValue<string>());
        Assert.Empty(await api.MessagesAsync(id));
    }

    [Fact]
    public async Task A_refusal_echoes_a_bounded_amount_of_what_was_sent()
    {
        var id = await api.NewConversationAsync();
        var options = new JsonObject();
        for (var i = 0; i < 300; i++)
        {
            options[$"{i:D3}{new string('x', 10_000)}"] = 1;
        }

        var body = new JsonObject { ["content"] = "hi", ["options"] = options }.ToJsonString();
        using var content = new StringContent(body, Encoding.UTF8, "application/json");
        using var response = await api.CreateClient().PostAsync($"/api/conversations/{id}/messages", content, Ct);
        var answer = await response.Content.ReadAsStringAsync(Ct);

        Assert.True(answer.Length < 16 * 1024, $"{body.Length / 1024} KB sent, {answer.Length / 1024} KB answered");
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal(ProblemCodes.InvalidOptions, JsonNode.Parse(answer)!["code"]!.GetValue<string>());
        Assert.Contains("not an option you can set", answer, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("[]", "body")]
    [InlineData("{\"content\": 5}", "content")]
    [InlineData("{\"content\": \"hi\", \"images\": {}}", "images")]
    [InlineData("{\"content\": \"hi\", \"images\": [{\"data\": 7}]}", "images[0].data")]
    public async Task A_malformed_message_is_described_in_the_contracts_words(string body, string field)
    {
        var id = await api.NewConversationAsync();
        using var content = new StringContent(body, Encoding.UTF8, "application/json");
        using var response = await api.CreateClient().PostAsync($"/api/conversations/{id}/messages", content, Ct);
        var answer = await response.Content.ReadAsStringAsync(Ct);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.DoesNotContain("MikuCloud.", answer, StringComparison.Ordinal);
        Assert.DoesNotContain("System.", answer, StringComparison.Ordinal);
        Assert.Contains(field, answer, StringComparison.Ordinal);
    }

    [Fact]
    public async Task The_openapi_document_does_not_reflect_the_callers_host()
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, "/openapi/v1.json");
        request.Headers.Host = "evil.example";
        using var response = await api.CreateClient().SendAsync(request, Ct);
        var document = await response.Content.ReadAsStringAsync(Ct);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.DoesNotContain("evil.example", document, StringComparison.Ordinal);
    }

    [Fact]
    public async Task The_message_reader_stops_reading_once_the_content_is_over_its_limit()
    {
        var body = new LongContentStream(190L * 1024 * 1024);
        var context = new Microsoft.AspNetCore.Http.DefaultHttpContext();
        context.Request.Body = body;
        context.Request.ContentType = "application/json";
        var scanner = new MikuCloud.Api.Chat.MessageJsonScanner(new MikuCloud.Api.Chat.ChatServerOptions(), new MikuCloud.Api.Images.ImagePipelineOptions());

        var refusal = await Assert.ThrowsAsync<MikuCloud.Api.ApiProblem>(() => scanner.ReadAsync<SendMessageRequest>(context.Request, System.Text.Json.JsonSerializerOptions.Web, Ct));

        Assert.Equal("content", Assert.Single(refusal.Errors!).Key);
        Assert.True(body.Position < 1024 * 1024, $"read {body.Position / 1024} KB of a 190 MB body before refusing it");
    }
}

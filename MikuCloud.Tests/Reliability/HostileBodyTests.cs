using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json.Nodes;
using MikuCloud.Tests.Api;

namespace MikuCloud.Tests.Reliability;

/// <summary>
/// Bodies an attacker (or a broken client) sends: too large declared or chunked, not valid Unicode, too slow, far over
/// a field's limit. Each is a 4xx problem with a <c>code</c>, decided before the body is held in memory whole.
/// </summary>
[Collection(nameof(Images.SerialPerformance))] // sends tens of MB: alone, so tests measuring allocations are not disturbed
public class HostileBodyTests : ApiTest
{
    private static readonly KeyValuePair<string, string>[] Json = [new("Content-Type", "application/json")];

    [Theory]
    [InlineData("POST", "/api/conversations")]
    [InlineData("PATCH", "/api/conversations/{id}")]
    [InlineData("POST", "/api/conversations/{id}/messages/{messageId}/regenerate")]
    public async Task A_declared_length_over_the_limit_is_a_413_problem(string method, string path)
    {
        var target = await FillAsync(path);

        var response = await RawHttp.SendAsync(BaseAddress, method, target, Json, "{\"title\":\"x\"}"u8.ToArray(), 31L * 1024 * 1024, RawHttp.Delivery.Whole, Ct);

        Assert.True(response.Status == 413, response.ToString());
        Assert.Equal(ProblemCodes.BodyTooLarge, CodeOf(response));
    }

    [Fact]
    public async Task A_chunked_body_over_the_limit_is_a_413_problem()
    {
        var body = Encoding.UTF8.GetBytes("{\"title\":\"" + new string('a', 32 * 1024 * 1024) + "\"}");

        var response = await RawHttp.SendAsync(BaseAddress, "POST", "/api/conversations", Json, body, declaredLength: null, RawHttp.Delivery.Whole, Ct);

        Assert.True(response.Status == 413, response.ToString());
        Assert.Equal(ProblemCodes.BodyTooLarge, CodeOf(response));
    }

    public static TheoryData<string, string> NotUnicode()
    {
        var data = new TheoryData<string, string>();
        foreach (var bad in new[] { "\\ud800", "\u00c3(" /* the bytes c3 28 */, "\\udc00x" })
        {
            foreach (var template in new[]
                     {
                         "{\"title\":\"#\"}", "{\"systemPrompt\":\"#\"}", "{\"presetId\":\"#\"}", "{\"options\":{\"stop\":[\"#\"]}}",
                         "{\"options\":{\"#\":1}}", "{\"#\":1}",
                     })
            {
                data.Add(template.Replace("#", bad, StringComparison.Ordinal), bad);
            }
        }

        return data;
    }

    [Theory]
    [MemberData(nameof(NotUnicode))]
    public async Task Text_that_is_not_valid_unicode_is_a_400_problem_on_create_and_patch(string template, string bad)
    {
        // "\u00c3(" stands for the raw bytes c3 28 (invalid UTF-8): written as Latin-1 so each char is one byte.
        var body = bad == "\u00c3(" ? Encoding.Latin1.GetBytes(template) : Encoding.UTF8.GetBytes(template);
        var id = await api.NewConversationAsync();
        var client = api.CreateClient();

        foreach (var (method, path) in new[] { (HttpMethod.Post, "/api/conversations"), (HttpMethod.Patch, $"/api/conversations/{id}") })
        {
            using var content = new ByteArrayContent(body);
            content.Headers.ContentType = new("application/json");
            using var response = await client.SendAsync(new HttpRequestMessage(method, path) { Content = content }, Ct);
            var answer = await response.Content.ReadAsStringAsync(Ct);

            Assert.True(response.StatusCode == HttpStatusCode.BadRequest, $"{method} {path}: {(int)response.StatusCode} {answer}");
            Assert.Equal(ProblemCodes.InvalidText, JsonNode.Parse(answer)!["code"]!.GetValue<string>());
        }

        // Nothing was created or changed by the refused bodies.
        var list = await client.GetFromJsonAsync<JsonObject>("/api/conversations", Ct);
        Assert.Single(list!["items"]!.AsArray());
    }

    [Theory]
    [InlineData("PATCH", "/api/knowledge/bases/{base}")]
    [InlineData("PATCH", "/api/conversations/{id}")]
    [InlineData("POST", "/v1/chat/completions")]
    public async Task Json_in_another_charset_than_utf8_is_a_415_problem_and_changes_nothing(string method, string path)
    {
        using var client = api.CreateClient();
        var knowledge = path.Contains("{base}", StringComparison.Ordinal);
        var target = knowledge ? $"/api/knowledge/bases/{await Knowledge.KnowledgeClient.CreateBaseAsync(client, "kept", cancellationToken: Ct)}" : await FillAsync(path);
        var body = Encoding.Unicode.GetBytes("{\"name\":\"x\",\"title\":\"x\",\"model\":\"miku-vl\",\"messages\":[{\"role\":\"user\",\"content\":\"x\"}]}");

        var response = await RawHttp.SendAsync(BaseAddress, method, target, [new("Content-Type", "application/json; charset=utf-16")], body, body.Length,
            RawHttp.Delivery.Whole, Ct);

        Assert.True(response.Status == 415, response.ToString());
        Assert.Contains(ProblemCodes.UnsupportedMediaType, response.Body, StringComparison.Ordinal); // as "code" (problem) or OpenAI's error.code
        if (knowledge)
        {
            Assert.Equal("kept", (await client.GetFromJsonAsync<JsonObject>(target, Ct))!["name"]!.GetValue<string>());
        }
    }

    [Fact]
    public async Task A_body_slower_than_the_minimum_data_rate_is_a_408_problem()
    {
        var body = Encoding.UTF8.GetBytes("{\"title\":\"" + new string('a', 200) + "\"}");

        // A byte a second, far below Kestrel's 240 bytes/s once its 5 s grace period is over.
        var response = await RawHttp.SendAsync(BaseAddress, "POST", "/api/conversations", Json, body, body.Length, RawHttp.Delivery.Slow, Ct);

        Assert.True(response.Status == 408, response.ToString());
        Assert.Equal(ProblemCodes.BodyTooSlow, CodeOf(response));
    }

    private Uri BaseAddress
    {
        get
        {
            using var client = api.CreateClient();
            return client.BaseAddress!;
        }
    }

    /// <summary>A conversation with a question and its answer, so that every path has real ids.</summary>
    private async Task<string> FillAsync(string path)
    {
        var id = await api.NewConversationAsync();
        using (var send = await api.CreateClient().SendAsync(id, new { content = "q" }, Ct))
        {
            await Sse.AllAsync(send, Ct);
        }

        var answer = (await api.MessagesAsync(id))[^1].Id;
        return path.Replace("{id}", id.ToString(), StringComparison.Ordinal).Replace("{messageId}", answer.ToString(), StringComparison.Ordinal);
    }

    /// <summary>The problem's <c>code</c>, whether the answer came with a length or chunked.</summary>
    internal static string? CodeOf(RawResponse response)
    {
        var start = response.Body.IndexOf('{', StringComparison.Ordinal);
        var end = response.Body.LastIndexOf('}');
        return start < 0 || end < start ? null : JsonNode.Parse(response.Body[start..(end + 1)])?["code"]?.GetValue<string>();
    }
}

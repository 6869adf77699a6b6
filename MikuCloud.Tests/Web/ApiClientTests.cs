using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json.Nodes;
using MikuCloud.Web.Api;

namespace MikuCloud.Tests.Web;

/// <summary>The Web's typed client: SSE parsing, problem details, request shapes.</summary>
public class ApiClientTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task Sse_reader_handles_comments_multiline_data_crlf_and_a_missing_final_blank_line()
    {
        var text = ": heartbeat\r\n\r\nevent: delta\r\ndata: {\"text\":\"a\"}\r\n\r\nevent: x\ndata: line1\ndata: line2\n\n: keep-alive\n\nevent: done\ndata: {}";
        await using var stream = new MemoryStream(Encoding.UTF8.GetBytes(text));

        var events = new List<SseEvent>();
        await foreach (var e in SseReader.ReadAsync(stream, Ct))
        {
            events.Add(e);
        }

        Assert.Equal([new SseEvent("delta", "{\"text\":\"a\"}"), new SseEvent("x", "line1\nline2"), new SseEvent("done", "{}")], events);
    }

    [Fact]
    public async Task Chat_stream_maps_events_in_order_and_sends_multipart_with_the_apis_field_names()
    {
        var handler = new StubHandler(_ => Sse(
            ("user", Message("user", "你好")), ("delta", "{\"text\":\"你\"}"), ("delta", "{\"text\":\"好\"}"), ("done", Message("assistant", "你好"))));
        var client = new MikuApiClient(new HttpClient(handler) { BaseAddress = new Uri("http://api") });
        var image = Encoding.ASCII.GetBytes("fake-png");
        var events = new List<ChatEvent>();

        await foreach (var e in client.SendMessageAsync(Guid.NewGuid(), new OutgoingMessage("你好",
                           [new OutgoingImage("cat.png", "image/png", () => new MemoryStream(image))], "vision", new JsonObject { ["temperature"] = 0.5 }), Ct))
        {
            events.Add(e);
        }

        Assert.IsType<UserMessageSaved>(events[0]);
        Assert.Equal(["你", "好"], events.OfType<AnswerDelta>().Select(d => d.Text));
        Assert.Equal("complete", Assert.IsType<AnswerDone>(events[^1]).Message.Status);

        var body = handler.Bodies.Single();
        Assert.Contains("name=content", body);
        Assert.Contains("name=images; filename=cat.png", body);
        Assert.Contains("Content-Type: image/png", body);
        Assert.Contains("fake-png", body);
        Assert.Contains("name=presetId", body);
        Assert.Contains("{\"temperature\":0.5}", body);
        Assert.Equal("text/event-stream", handler.Requests.Single().Headers.Accept.Single().MediaType);
    }

    [Fact]
    public async Task A_problem_before_the_stream_becomes_an_ApiException_with_retry_after_and_message_id()
    {
        var messageId = Guid.NewGuid();
        var handler = new StubHandler(_ =>
        {
            var response = new HttpResponseMessage(HttpStatusCode.TooManyRequests)
            {
                Content = new StringContent($"{{\"title\":\"Busy\",\"status\":429,\"code\":\"busy\",\"messageId\":\"{messageId}\"}}", Encoding.UTF8, "application/problem+json"),
            };
            response.Headers.RetryAfter = new RetryConditionHeaderValue(TimeSpan.FromSeconds(7));
            return response;
        });
        var client = new MikuApiClient(new HttpClient(handler) { BaseAddress = new Uri("http://api") });

        var ex = await Assert.ThrowsAsync<ApiException>(async () =>
        {
            await foreach (var _ in client.SendMessageAsync(Guid.NewGuid(), new OutgoingMessage("hi", [], null, null), Ct))
            {
            }
        });

        Assert.True(ex.IsBusy);
        Assert.Equal(TimeSpan.FromSeconds(7), ex.RetryAfter);
        Assert.Equal(ProblemCodes.Busy, ex.Problem!.Code);
        Assert.Equal(messageId, ex.Problem.MessageId);
    }

    [Fact]
    public async Task A_rename_patches_only_the_title_because_a_present_null_would_reset_other_fields()
    {
        var handler = new StubHandler(_ => Json(Conversation()));
        var client = new MikuApiClient(new HttpClient(handler) { BaseAddress = new Uri("http://api") });

        await client.UpdateConversationAsync(Guid.NewGuid(), new UpdateConversationRequest(Title: "新标题"), Ct);

        var body = JsonNode.Parse(handler.Bodies.Single())!.AsObject();
        Assert.Equal(["title"], body.Select(p => p.Key));
        Assert.Equal("新标题", body["title"]!.GetValue<string>());
        Assert.Equal(HttpMethod.Patch, handler.Requests.Single().Method);
    }

    [Fact]
    public async Task Html_error_pages_still_become_ApiExceptions()
    {
        var handler = new StubHandler(_ => new HttpResponseMessage(HttpStatusCode.BadGateway) { Content = new StringContent("<html>bad gateway</html>", Encoding.UTF8, "text/html") });
        var client = new MikuApiClient(new HttpClient(handler) { BaseAddress = new Uri("http://api") });

        var ex = await Assert.ThrowsAsync<ApiException>(() => client.GetModelsAsync(Ct));
        Assert.Equal(HttpStatusCode.BadGateway, ex.Status);
        Assert.Null(ex.Problem);
    }

    private static string Message(string role, string content) =>
        $"{{\"id\":\"{Guid.NewGuid()}\",\"conversationId\":\"{Guid.NewGuid()}\",\"role\":\"{role}\",\"content\":\"{content}\",\"status\":\"complete\",\"images\":[],\"createdAt\":\"2026-11-24T10:00:00Z\"}}";

    private static string Conversation() =>
        $"{{\"id\":\"{Guid.NewGuid()}\",\"title\":\"新标题\",\"presetId\":\"balanced\",\"createdAt\":\"2026-11-24T10:00:00Z\",\"updatedAt\":\"2026-11-24T10:00:00Z\"}}";

    private static HttpResponseMessage Sse(params (string Name, string Data)[] events) => new(HttpStatusCode.OK)
    {
        Content = new StringContent(string.Concat(events.Select(e => $"event: {e.Name}\ndata: {e.Data}\n\n")), Encoding.UTF8, "text/event-stream"),
    };

    private static HttpResponseMessage Json(string json) => new(HttpStatusCode.OK) { Content = new StringContent(json, Encoding.UTF8, "application/json") };

    private sealed class StubHandler(Func<HttpRequestMessage, HttpResponseMessage> respond) : HttpMessageHandler
    {
        public List<HttpRequestMessage> Requests { get; } = [];

        public List<string> Bodies { get; } = [];

        protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
        {
            Requests.Add(request);
            if (request.Content is not null)
            {
                Bodies.Add(await request.Content.ReadAsStringAsync(cancellationToken));
            }

            return respond(request);
        }
    }
}

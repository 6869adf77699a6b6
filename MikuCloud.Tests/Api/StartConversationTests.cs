using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Microsoft.EntityFrameworkCore;
using MikuCloud.Testing;
using MikuCloud.Tests.HouseModels;
using MikuCloud.Tests.Images;

namespace MikuCloud.Tests.Api;

/// <summary><c>POST /api/conversations/messages</c>: a new chat's first message in one call, over real HTTP against the fake Ollama.</summary>
public class StartConversationTests : ApiTest
{
    private HttpClient client => field ??= api.CreateClient();

    [Fact]
    public async Task A_json_first_message_streams_the_new_conversation_then_the_answer_and_saves_both()
    {
        using var response = await StartAsync(JsonContent.Create(new
        {
            content = "  K8s 上怎么部署 GPU 节点？\n细节如下……",
            presetId = "precise",
            options = new { temperature = 0.3, seed = 7 },
            systemPrompt = "你是运维专家。",
        }));
        var events = await Sse.AllAsync(response, Ct);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(["conversation", "user", "delta", "delta", "delta", "delta", "done"], events.Select(e => e.Name));
        var created = events[0].Data!;
        var id = created["id"]!.GetValue<Guid>();
        Assert.Equal("K8s 上怎么部署 GPU 节点？", created["title"]!.GetValue<string>());
        Assert.Equal("precise", created["presetId"]!.GetValue<string>());
        Assert.Equal("你是运维专家。", created["systemPrompt"]!.GetValue<string>());
        Assert.Equal(0.3, created["options"]!["temperature"]!.GetValue<double>(), 5);
        Assert.Equal(id, events[1].Data!["conversationId"]!.GetValue<Guid>());
        Assert.Equal("complete", events[^1].Data!["status"]!.GetValue<string>());

        // The conversation is the one listed and read back, with its question and answer.
        var listed = await client.GetFromJsonAsync<JsonObject>("/api/conversations", Ct);
        Assert.Equal(id, Assert.Single(listed!["items"]!.AsArray())!["id"]!.GetValue<Guid>());
        var stored = await api.MessagesAsync(id);
        Assert.Equal([(MessageRole.User, MessageStatus.Complete), (MessageRole.Assistant, MessageStatus.Complete)], stored.Select(m => (m.Role, m.Status)));
        Assert.Equal(string.Concat(FakeChatReply.WireChunks), stored[1].Content);

        // Preset, options and system prompt were sent once and reached the model for this first turn.
        var request = Assert.Single(api.Ollama.ChatRequests);
        Assert.Equal("你是运维专家。", request["messages"]![0]!["content"]!.GetValue<string>());
        Assert.Equal(0.3, request["options"]!["temperature"]!.GetValue<double>(), 5);
        Assert.Equal(7, request["options"]!["seed"]!.GetValue<int>());
        var precise = HouseModelCatalogTests.Catalog.FindPreset("precise")!;
        Assert.Equal(Convert.ToDouble(precise.Options["top_p"]), request["options"]!["top_p"]!.GetValue<double>(), 5);
    }

    [Fact]
    public async Task A_multipart_first_message_with_only_an_image_is_titled_image()
    {
        var form = ChatTestExtensions.Multipart("", ("cat.jpg", TestImages.SolidJpeg(320, 240, TestImages.Blue)));
        form.Add(new StringContent("balanced"), "presetId");

        using var response = await StartAsync(form);
        var events = await Sse.AllAsync(response, Ct);

        Assert.Equal(["conversation", "user"], events.Take(2).Select(e => e.Name));
        Assert.Equal("done", events[^1].Name);
        Assert.Equal("图片 · Image", events[0].Data!["title"]!.GetValue<string>());
        var image = Assert.Single(events[1].Data!["images"]!.AsArray())!;
        using var bytes = await client.GetAsync(image["url"]!.GetValue<string>(), Ct);
        Assert.Equal(HttpStatusCode.OK, bytes.StatusCode);
        Assert.Single(Assert.Single(api.Ollama.ChatRequests)["messages"]![1]!["images"]!.AsArray());
    }

    [Fact]
    public async Task A_given_title_is_kept_and_a_long_first_line_is_cut_at_forty_characters()
    {
        using (var titled = await StartAsync(JsonContent.Create(new { content = "hello", title = "  My notes  " })))
        {
            Assert.Equal("My notes", (await Sse.AllAsync(titled, Ct))[0].Data!["title"]!.GetValue<string>());
        }

        var line = string.Concat(Enumerable.Repeat("猫🐱", 30)); // 60 characters, every other one outside the BMP
        var form = ChatTestExtensions.Multipart(line);
        using var derived = await StartAsync(form);
        var title = (await Sse.AllAsync(derived, Ct))[0].Data!["title"]!.GetValue<string>();
        Assert.Equal(ConversationTitle.From(line), title);
        Assert.Equal(40, new System.Globalization.StringInfo(title[..^1]).LengthInTextElements);
    }

    [Fact]
    public async Task A_refused_first_message_creates_nothing()
    {
        api.Settings["Limits:StoredImages"] = "1";
        var refusals = new (HttpContent Body, HttpStatusCode Status, string Code)[]
        {
            (JsonContent.Create(new { content = "  " }), HttpStatusCode.BadRequest, ProblemCodes.InvalidRequest),
            (JsonContent.Create(new { content = "hi", presetId = "nope" }), HttpStatusCode.BadRequest, ProblemCodes.InvalidRequest),
            (JsonContent.Create(new { content = "hi", options = new { temperature = 9 } }), HttpStatusCode.BadRequest, ProblemCodes.InvalidOptions),
            (JsonContent.Create(new { content = "hi", title = new string('t', 201) }), HttpStatusCode.BadRequest, ProblemCodes.InvalidRequest),
            (new StringContent("content=hi", System.Text.Encoding.UTF8, "text/plain"), HttpStatusCode.UnsupportedMediaType, ProblemCodes.UnsupportedMediaType),
            (ChatTestExtensions.Multipart("two", ("a.jpg", TestImages.SolidJpeg(64, 64, TestImages.Red)), ("b.jpg", TestImages.SolidJpeg(64, 64, TestImages.Red))),
                HttpStatusCode.TooManyRequests, ProblemCodes.ImageQuota),
        };

        foreach (var (body, status, code) in refusals)
        {
            using var response = await StartAsync(body);
            var problem = await response.Content.ReadFromJsonAsync<JsonObject>(Ct);
            Assert.Equal(status, response.StatusCode);
            Assert.Equal(code, problem!["code"]!.GetValue<string>());
            Assert.Null(problem["conversationId"]);
        }

        Assert.Equal(0, await api.WithDbAsync(db => db.Conversations.CountAsync(Ct)));
        Assert.Equal(0, await api.WithDbAsync(db => db.Messages.CountAsync(Ct)));
        Assert.Empty(api.Ollama.ChatRequests);
    }

    [Fact]
    public async Task A_model_refusal_keeps_the_question_and_names_its_conversation_to_retry_there()
    {
        api.Ollama.Chat = _ => new FakeChatReply { Status = 503, ErrorBody = """{"error":"server busy, please try again.  maximum pending requests exceeded"}""" };

        using var response = await StartAsync(JsonContent.Create(new { content = "还在吗？" }));
        var problem = await response.Content.ReadFromJsonAsync<JsonObject>(Ct);

        Assert.Equal(HttpStatusCode.TooManyRequests, response.StatusCode);
        Assert.Equal(ProblemCodes.Busy, problem!["code"]!.GetValue<string>());
        var conversation = problem["conversationId"]!.GetValue<Guid>();
        var question = Assert.Single(await api.MessagesAsync(conversation));
        Assert.Equal((question.Id, "还在吗？"), (problem["messageId"]!.GetValue<Guid>(), question.Content));

        // The retry the problem asks for: regenerate in that conversation answers the saved question.
        api.Ollama.Chat = _ => new FakeChatReply();
        using var retry = await client.PostAsync($"/api/conversations/{conversation}/messages/{question.Id}/regenerate", null, Ct);
        Assert.Equal("done", (await Sse.AllAsync(retry, Ct))[^1].Name);
        Assert.Equal("还在吗？", (await client.GetFromJsonAsync<JsonObject>($"/api/conversations/{conversation}", Ct))!["title"]!.GetValue<string>());
    }

    [Fact]
    public async Task The_document_describes_the_one_call_start_like_the_other_chat_operations()
    {
        var doc = JsonNode.Parse(await client.GetStringAsync("/openapi/v1.json", Ct))!;
        var start = doc["paths"]!["/api/conversations/messages"]!["post"]!;
        Assert.NotNull(start["responses"]!["200"]!["content"]!["text/event-stream"]);
        foreach (var status in new[] { "400", "413", "415", "429", "503" })
        {
            Assert.NotNull(start["responses"]![status]!["content"]!["application/problem+json"]);
        }

        Assert.NotNull(start["requestBody"]!["content"]!["multipart/form-data"]);
        Assert.NotNull(start["requestBody"]!["content"]!["application/json"]);
        Assert.Contains("conversation", start["description"]!.GetValue<string>(), StringComparison.Ordinal);
    }

    private Task<HttpResponseMessage> StartAsync(HttpContent body) =>
        client.SendAsync(new HttpRequestMessage(HttpMethod.Post, "/api/conversations/messages") { Content = body }, HttpCompletionOption.ResponseHeadersRead, Ct);
}

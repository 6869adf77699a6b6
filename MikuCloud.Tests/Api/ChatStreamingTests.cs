using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using MikuCloud.Testing;
using MikuCloud.Tests.HouseModels;
using MikuCloud.Tests.Images;

namespace MikuCloud.Tests.Api;

/// <summary>The chat contract over real HTTP, against the fake Ollama.</summary>
public class ChatStreamingTests : ApiTest
{
    private HttpClient client => field ??= api.CreateClient();

    [Fact]
    public async Task A_text_message_streams_user_deltas_done_and_is_saved()
    {
        var id = await api.NewConversationAsync();

        using var response = await client.SendAsync(id, new { content = "这张图片里有什么？" }, Ct);
        var events = await Sse.AllAsync(response, Ct);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("text/event-stream", response.Content.Headers.ContentType!.MediaType);
        Assert.Equal(["user", "delta", "delta", "delta", "delta", "done"], events.Select(e => e.Name));
        Assert.Equal("这张图片里有什么？", events[0].Data!["content"]!.GetValue<string>());
        Assert.Equal(FakeChatReply.WireChunks, events.Where(e => e.Name == "delta").Select(e => e.Data!["text"]!.GetValue<string>()));
        var done = events[^1].Data!;
        Assert.Equal("complete", done["status"]!.GetValue<string>());
        Assert.Equal("stop", done["finishReason"]!.GetValue<string>());
        Assert.Equal(string.Concat(FakeChatReply.WireChunks), done["content"]!.GetValue<string>());
        Assert.Equal(4, done["usage"]!["outputTokens"]!.GetValue<int>());
        Assert.True(done["timings"]!["timeToFirstTokenMs"]!.GetValue<double>() > 0);
        Assert.Equal(Math.Round(4 / 0.208285, 2), done["timings"]!["outputTokensPerSecond"]!.GetValue<double>());

        var stored = await api.MessagesAsync(id);
        Assert.Equal([MessageRole.User, MessageRole.Assistant], stored.Select(m => m.Role));
        Assert.Equal(MessageStatus.Complete, stored[1].Status);
        Assert.Equal(string.Concat(FakeChatReply.WireChunks), stored[1].Content);
        Assert.Equal("miku-vl", stored[1].Model);
    }

    [Fact]
    public async Task The_request_to_ollama_carries_system_prompt_keep_alive_and_the_presets_options()
    {
        var id = await api.NewConversationAsync();

        using var response = await client.SendAsync(id, new { content = "你好" }, Ct);
        await Sse.AllAsync(response, Ct);

        var request = Assert.Single(api.Ollama.ChatRequests);
        Assert.Equal("miku-vl", request["model"]!.GetValue<string>());
        Assert.True(request["stream"]!.GetValue<bool>());
        Assert.Equal("30m", request["keep_alive"]!.GetValue<string>());
        var messages = request["messages"]!.AsArray();
        Assert.Equal("system", messages[0]!["role"]!.GetValue<string>());
        Assert.Equal(HouseModelCatalogTests.Catalog.DefaultModel.Modelfile.System, messages[0]!["content"]!.GetValue<string>());
        Assert.Equal("你好", messages[1]!["content"]!.GetValue<string>());
        var options = request["options"]!;
        Assert.Equal(0.7, options["temperature"]!.GetValue<double>(), 5);
        Assert.Equal(0.9, options["top_p"]!.GetValue<double>(), 5);
        Assert.Equal(1.1, options["repeat_penalty"]!.GetValue<double>(), 5);
        Assert.Equal(16384, options["num_ctx"]!.GetValue<int>());
        Assert.Equal(1024, options["num_predict"]!.GetValue<int>());
    }

    [Theory]
    [InlineData("balanced")]
    [InlineData("precise")]
    [InlineData("creative")]
    [InlineData("long")]
    [InlineData("vision")]
    [InlineData("text")]
    public async Task Every_presets_values_arrive_in_ollamas_options(string presetId)
    {
        var preset = HouseModelCatalogTests.Catalog.FindPreset(presetId)!;
        var id = await api.NewConversationAsync(presetId: presetId);

        using var response = await client.SendAsync(id, new { content = "hi" }, Ct);
        await Sse.AllAsync(response, Ct);

        var options = Assert.Single(api.Ollama.ChatRequests)["options"]!.AsObject();
        foreach (var (name, value) in preset.Options.Where(o => o.Key != "num_predict"))
        {
            Assert.Equal(Convert.ToDouble(value), options[name]!.GetValue<double>(), 5);
        }

        // num_predict is the preset's, lowered only as far as the context requires (vision/text ask for 16k/32k of a 16k context).
        var numPredict = options["num_predict"]!.GetValue<int>();
        Assert.Equal(Math.Min(Convert.ToInt32(preset.Options["num_predict"]), numPredict), numPredict);
        Assert.True(numPredict >= 1024 && numPredict <= 16384 - 100, $"num_predict {numPredict} leaves room for the prompt in 16k");
    }

    [Fact]
    public async Task Message_overrides_beat_conversation_overrides_which_beat_the_preset()
    {
        var id = await api.NewConversationAsync(optionsJson: """{"temperature":0.2,"top_k":7,"seed":1}""");

        using var response = await client.SendAsync(id, new
        {
            content = "hi",
            options = new { temperature = 1.3, seed = 42, stop = new[] { "END" }, num_ctx = 8192, num_predict = 300, min_p = 0.05, frequency_penalty = 0.5 },
        }, Ct);
        var events = await Sse.AllAsync(response, Ct);

        var options = Assert.Single(api.Ollama.ChatRequests)["options"]!;
        Assert.Equal(1.3, options["temperature"]!.GetValue<double>(), 5);
        Assert.Equal(7, options["top_k"]!.GetValue<int>());
        Assert.Equal(42, options["seed"]!.GetValue<int>());
        Assert.Equal("[\"END\"]", options["stop"]!.ToJsonString());
        Assert.Equal(8192, options["num_ctx"]!.GetValue<int>());
        Assert.Equal(300, options["num_predict"]!.GetValue<int>());
        Assert.Equal(0.05, options["min_p"]!.GetValue<double>(), 5);
        Assert.Equal(0.5, options["frequency_penalty"]!.GetValue<double>(), 5);
        Assert.Equal(1.1, options["repeat_penalty"]!.GetValue<double>(), 5);
        // The answer records exactly what it was generated with.
        Assert.Equal(1.3, events[^1].Data!["options"]!["temperature"]!.GetValue<double>(), 5);
    }

    [Theory]
    [InlineData("""{"temperature":7}""", "options.temperature", "between 0 and 2")]
    [InlineData("""{"top_p":-1}""", "options.top_p", "between 0 and 1")]
    [InlineData("""{"num_ctx":99999999}""", "options.num_ctx", "between 512 and 262144")]
    [InlineData("""{"num_predict":-5}""", "options.num_predict", "between 1 and")]
    [InlineData("""{"top_k":1.5}""", "options.top_k", "whole number")]
    [InlineData("""{"temperature":"hot"}""", "options.temperature", "must be a number")]
    [InlineData("""{"num_gpu":99}""", "options.num_gpu", "not an option you can set")]
    [InlineData("""{"stop":[1,2]}""", "options.stop", "stop must be")]
    public async Task Absurd_options_are_refused_with_problem_details_and_nothing_is_saved(string options, string field, string message)
    {
        var id = await api.NewConversationAsync();

        using var response = await client.SendAsync(id, new { content = "hi", options = JsonNode.Parse(options) }, Ct);
        var problem = await response.Content.ReadFromJsonAsync<JsonObject>(Ct);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType!.MediaType);
        Assert.Contains(message, problem!["errors"]![field]![0]!.GetValue<string>(), StringComparison.Ordinal);
        Assert.Empty(await api.MessagesAsync(id));
        Assert.Empty(api.Ollama.ChatRequests);
    }

    [Fact]
    public async Task Multi_turn_history_reaches_ollama_in_order_with_images_in_their_turn()
    {
        var id = await api.NewConversationAsync();
        var jpeg = TestImages.SolidJpeg(640, 480, TestImages.Red);

        using (var first = await client.SendAsync(id, new { content = "看这张图", images = new[] { new { mediaType = "image/jpeg", data = Convert.ToBase64String(jpeg) } } }, Ct))
        {
            await Sse.AllAsync(first, Ct);
        }

        using (var second = await client.SendAsync(id, new { content = "它是什么颜色？" }, Ct))
        {
            await Sse.AllAsync(second, Ct);
        }

        var messages = api.Ollama.ChatRequests.Last()["messages"]!.AsArray();
        Assert.Equal(["system", "user", "assistant", "user"], messages.Select(m => m!["role"]!.GetValue<string>()));
        Assert.Equal("看这张图", messages[1]!["content"]!.GetValue<string>());
        Assert.Equal(string.Concat(FakeChatReply.WireChunks), messages[2]!["content"]!.GetValue<string>());
        Assert.Equal("它是什么颜色？", messages[3]!["content"]!.GetValue<string>());
        var sent = Convert.FromBase64String(Assert.Single(messages[1]!["images"]!.AsArray())!.GetValue<string>());
        var stored = (await api.MessagesAsync(id))[0].Images.Single();
        Assert.Equal(stored.Data, sent); // the processed image, not the upload
        Assert.Null(messages[3]!["images"]);
    }

    [Fact]
    public async Task Multipart_upload_processes_images_and_reports_them_in_the_user_event()
    {
        var id = await api.NewConversationAsync();
        var photo = TestImages.Jpeg(TestImages.PhotoLike(4000, 3000));

        using var request = new HttpRequestMessage(HttpMethod.Post, $"/api/conversations/{id}/messages")
        {
            Content = ChatTestExtensions.Multipart("描述这两张图", ("photo.jpg", photo), ("small.png", TestImages.SolidPng(100, 80, TestImages.Blue))),
        };
        using var response = await client.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, Ct);
        var events = await Sse.AllAsync(response, Ct);

        var images = events[0].Data!["images"]!.AsArray();
        Assert.Equal(2, images.Count);
        Assert.Equal(4000, images[0]!["originalWidth"]!.GetValue<int>());
        Assert.True(images[0]!["width"]!.GetValue<int>() * images[0]!["height"]!.GetValue<int>() <= 1_048_576);
        Assert.Equal("png", images[1]!["sourceFormat"]!.GetValue<string>());
        Assert.Equal(images[0]!["visualTokens"]!.GetValue<int>(), images[0]!["width"]!.GetValue<int>() / 32 * (images[0]!["height"]!.GetValue<int>() / 32));
        Assert.Equal(2, api.Ollama.ChatRequests.Single()["messages"]![1]!["images"]!.AsArray().Count);
        using var image = await client.GetAsync(images[0]!["url"]!.GetValue<string>(), Ct);
        Assert.True(image.IsSuccessStatusCode || image.StatusCode == HttpStatusCode.NotFound, "the image endpoint lands with the conversation endpoints");
    }

    [Theory]
    [InlineData("not an image at all", 415, ProblemCodes.ImageUnsupportedFormat)]
    [InlineData("<svg xmlns='http://www.w3.org/2000/svg'><script>alert(1)</script></svg>", 415, ProblemCodes.ImageUnsupportedFormat)]
    public async Task Non_images_named_jpg_are_refused_and_nothing_is_saved(string body, int status, string code)
    {
        var id = await api.NewConversationAsync();

        using var request = new HttpRequestMessage(HttpMethod.Post, $"/api/conversations/{id}/messages")
        {
            Content = ChatTestExtensions.Multipart("what is this", ("cat.jpg", System.Text.Encoding.UTF8.GetBytes(body))),
        };
        using var response = await client.SendAsync(request, Ct);
        var problem = await response.Content.ReadFromJsonAsync<JsonObject>(Ct);

        Assert.Equal(status, (int)response.StatusCode);
        Assert.Equal(code, problem!["code"]!.GetValue<string>());
        Assert.Empty(await api.MessagesAsync(id));
    }

    [Fact]
    public async Task Hitting_num_predict_is_truncated()
    {
        api.Ollama.Chat = _ => new FakeChatReply { Chunks = ["人工智能", "如春风"], DoneReason = "length" };
        var id = await api.NewConversationAsync();

        using var response = await client.SendAsync(id, new { content = "写一首诗" }, Ct);
        var done = (await Sse.AllAsync(response, Ct))[^1];

        Assert.Equal("done", done.Name);
        Assert.Equal("truncated", done.Data!["status"]!.GetValue<string>());
        Assert.Equal("length", done.Data!["finishReason"]!.GetValue<string>());
        Assert.Equal(MessageStatus.Truncated, (await api.MessagesAsync(id))[1].Status);
    }

    [Fact]
    public async Task An_upstream_error_mid_stream_sends_error_and_saves_the_partial_answer_as_failed()
    {
        api.Ollama.Chat = _ => new FakeChatReply { Chunks = ["让我", "想想"], ErrorAfterChunks = "an error was encountered while running the model: unexpected EOF" };
        var id = await api.NewConversationAsync();

        using var response = await client.SendAsync(id, new { content = "100天后是星期几？" }, Ct);
        var events = await Sse.AllAsync(response, Ct);

        Assert.Equal(["user", "delta", "delta", "error"], events.Select(e => e.Name));
        var error = events[^1].Data!;
        Assert.Equal(ProblemCodes.ModelError, error["code"]!.GetValue<string>());
        Assert.Contains("unexpected EOF", error["message"]!.GetValue<string>(), StringComparison.Ordinal);
        var stored = await api.MessagesAsync(id);
        Assert.Equal(stored[1].Id, error["messageId"]!.GetValue<Guid>());
        Assert.Equal(MessageStatus.Failed, stored[1].Status);
        Assert.Equal("让我想想", stored[1].Content);
        Assert.Equal("100天后是星期几？", stored[0].Content);
    }

    [Fact]
    public async Task Ollama_busy_is_a_429_that_keeps_the_message_and_regenerate_answers_it()
    {
        api.Ollama.Chat = _ => new FakeChatReply { Status = 503, ErrorBody = OllamaWire.Text("error-busy.json") };
        var id = await api.NewConversationAsync();

        using var response = await client.SendAsync(id, new { content = "在吗？" }, Ct);
        var problem = await response.Content.ReadFromJsonAsync<JsonObject>(Ct);

        Assert.Equal((HttpStatusCode)429, response.StatusCode);
        Assert.True(response.Headers.RetryAfter!.Delta > TimeSpan.Zero);
        Assert.Equal(ProblemCodes.Busy, problem!["code"]!.GetValue<string>());
        var saved = Assert.Single(await api.MessagesAsync(id));
        Assert.Equal(saved.Id, problem["messageId"]!.GetValue<Guid>());

        api.Ollama.Chat = _ => new FakeChatReply();
        using var retry = await client.PostAsync($"/api/conversations/{id}/messages/{saved.Id}/regenerate", null, Ct);
        var events = await Sse.AllAsync(retry, Ct);

        Assert.Equal("done", events[^1].Name);
        Assert.Equal(["在吗？", string.Concat(FakeChatReply.WireChunks)], (await api.MessagesAsync(id)).Select(m => m.Content));
    }

    [Fact]
    public async Task Missing_model_and_unreachable_ollama_are_503s_that_keep_the_message()
    {
        api.Ollama.Chat = _ => new FakeChatReply { Status = 404, ErrorBody = OllamaWire.Text("error-model-not-found.json") };
        var id = await api.NewConversationAsync();

        using var missing = await client.SendAsync(id, new { content = "one" }, Ct);
        Assert.Equal(HttpStatusCode.ServiceUnavailable, missing.StatusCode);
        Assert.Equal(ProblemCodes.ModelUnavailable, (await missing.Content.ReadFromJsonAsync<JsonObject>(Ct))!["code"]!.GetValue<string>());

        await api.Ollama.StopAsync();
        var other = await api.NewConversationAsync();
        using var down = await client.SendAsync(other, new { content = "two" }, Ct);
        Assert.Equal(HttpStatusCode.ServiceUnavailable, down.StatusCode);
        Assert.Equal(ProblemCodes.OllamaUnreachable, (await down.Content.ReadFromJsonAsync<JsonObject>(Ct))!["code"]!.GetValue<string>());
        Assert.Equal("two", Assert.Single(await api.MessagesAsync(other)).Content);
    }

    [Fact]
    public async Task A_client_that_asks_for_cancel_on_disconnect_cancels_ollama_at_once_and_saves_the_partial_answer()
    {
        api.Ollama.Chat = _ => new FakeChatReply { Chunks = ["一", "二", "三", "四", "五"], ChunkDelay = TimeSpan.FromSeconds(1) };
        var id = await api.NewConversationAsync();
        using var cts = CancellationTokenSource.CreateLinkedTokenSource(Ct);

        using var abrupt = api.CreateAbruptClient();
        // The native API's default keeps generating without a reader (ResumableAnswerTests); this client asks otherwise.
        using var response = await abrupt.SendAsync(new HttpRequestMessage(HttpMethod.Post, $"/api/conversations/{id}/messages?cancelOnDisconnect=true")
        {
            Content = JsonContent.Create(new { content = "数到五" }),
        }, HttpCompletionOption.ResponseHeadersRead, cts.Token);
        await foreach (var e in Sse.ReadAsync(response, cancellationToken: cts.Token))
        {
            if (e.Name == "delta")
            {
                break; // the user closes the tab after the first token
            }
        }

        response.Dispose();
        cts.Cancel();

        // "At once": well before the next chunk (1 s) would have been generated.
        var stopwatch = System.Diagnostics.Stopwatch.StartNew();
        var seen = await api.Ollama.ChatCancelled.WaitAsync(TimeSpan.FromSeconds(10), Ct);
        Assert.True(seen, "Ollama's request was not cancelled: " + string.Join(";", (await api.MessagesAsync(id)).Select(m => m.Status + ":" + m.Content + ":" + m.CompletedAt?.ToString("HH:mm:ss.fff"))) + " now " + DateTime.UtcNow.ToString("HH:mm:ss.fff"));
        TestContext.Current.TestOutputHelper?.WriteLine($"Ollama saw the cancellation {stopwatch.ElapsedMilliseconds} ms after the client left.");
        var assistant = await Eventually(async () => (await api.MessagesAsync(id)).ElementAtOrDefault(1) is { Status: not MessageStatus.Streaming } m ? m : null);
        Assert.Equal(MessageStatus.Cancelled, assistant.Status);
        Assert.StartsWith("一", assistant.Content, StringComparison.Ordinal);
        Assert.Equal("一", assistant.Content); // nothing generated after the user left was kept or relayed
    }

    [Fact]
    public async Task Heartbeats_keep_the_stream_alive_during_a_long_prefill()
    {
        await using var slow = new ApiFactory();
        slow.Settings["Chat:HeartbeatInterval"] = "00:00:00.2";
        slow.Settings["Chat:FirstResponseWindow"] = "00:00:00.1";
        await slow.InitializeAsync();
        slow.Ollama.Chat = _ => new FakeChatReply { FirstChunkDelay = TimeSpan.FromSeconds(1.5) };
        var id = await slow.NewConversationAsync();
        var comments = 0;
        var names = new List<string>();

        using var response = await slow.CreateClient().SendAsync(id, new { content = "hi" }, Ct);
        await foreach (var e in Sse.ReadAsync(response, _ => Interlocked.Increment(ref comments), Ct))
        {
            names.Add(e.Name);
        }

        Assert.True(comments >= 3, $"expected heartbeats during the 1.5 s prefill, saw {comments}");
        Assert.Equal("user", names[0]);
        Assert.Equal("done", names[^1]);
    }

    [Fact]
    public async Task Deleting_the_conversation_mid_answer_ends_the_stream_without_a_burst_of_heartbeats()
    {
        // Heartbeats every 10 s (the default): none is due in the moments the stream lives after the delete. A
        // heartbeat timer armed on the turn's token once completed at once after the turn was cancelled, in a loop.
        api.Ollama.Chat = _ => new FakeChatReply { Chunks = ["一"], HangAfterChunks = true };
        var id = await api.NewConversationAsync();
        var heartbeats = 0;
        var names = new List<string>();

        using var response = await client.SendAsync(id, new { content = "数到五" }, Ct);
        await foreach (var e in Sse.ReadAsync(response, _ => Interlocked.Increment(ref heartbeats), Ct))
        {
            names.Add(e.Name);
            if (e.Name == "delta")
            {
                using var deleted = await client.DeleteAsync($"/api/conversations/{id}", Ct);
                Assert.Equal(HttpStatusCode.NoContent, deleted.StatusCode);
            }
        }

        Assert.Equal(["user", "delta", "error"], names);
        Assert.Equal(0, heartbeats);
    }

    [Fact]
    public async Task A_second_message_while_answering_is_a_409_and_admission_refuses_beyond_the_queue_with_429()
    {
        await using var small = new ApiFactory();
        small.Settings["Chat:MaxConcurrentGenerations"] = "1";
        small.Settings["Chat:MaxQueue"] = "0";
        await small.InitializeAsync();
        small.Ollama.Chat = _ => new FakeChatReply { HangAfterChunks = true };
        var http = small.CreateClient();
        var first = await small.NewConversationAsync();
        var second = await small.NewConversationAsync();

        using var running = await http.SendAsync(first, new { content = "long" }, Ct);
        await foreach (var e in Sse.ReadAsync(running, cancellationToken: Ct))
        {
            if (e.Name == "delta")
            {
                break;
            }
        }

        using var sameConversation = await http.SendAsync(first, new { content = "again" }, Ct);
        using var otherConversation = await http.SendAsync(second, new { content = "me too" }, Ct);

        Assert.Equal(HttpStatusCode.Conflict, sameConversation.StatusCode);
        Assert.Equal((HttpStatusCode)429, otherConversation.StatusCode);
        Assert.NotNull(otherConversation.Headers.RetryAfter);
        Assert.Empty(await small.MessagesAsync(second)); // refused before anything was stored; the client still has the text
    }

    [Fact]
    public async Task Regenerate_replaces_the_last_answer_on_the_branch_and_refuses_older_ones()
    {
        var id = await api.NewConversationAsync();
        for (var i = 0; i < 2; i++)
        {
            using var r = await client.SendAsync(id, new { content = $"q{i}" }, Ct);
            await Sse.AllAsync(r, Ct);
        }

        var before = await api.MessagesAsync(id);
        api.Ollama.Chat = _ => new FakeChatReply { Chunks = ["new answer"] };

        using var old = await client.PostAsync($"/api/conversations/{id}/messages/{before[1].Id}/regenerate", null, Ct);
        Assert.Equal(HttpStatusCode.Conflict, old.StatusCode);

        using var regenerate = await client.PostAsJsonAsync($"/api/conversations/{id}/messages/{before[3].Id}/regenerate", new { presetId = "creative" }, Ct);
        var events = await Sse.AllAsync(regenerate, Ct);

        Assert.Equal(["user", "delta", "done"], events.Select(e => e.Name));
        Assert.Equal(before[2].Id, events[0].Data!["id"]!.GetValue<Guid>());
        // The branch shown (and continued) has the new answer in the old one's place; the old one is kept as its sibling.
        var after = (await client.GetFromJsonAsync<Page<MessageDto>>($"/api/conversations/{id}/messages", Ct))!.Items;
        Assert.Equal(["q0", string.Concat(FakeChatReply.WireChunks), "q1", "new answer"], after.Select(m => m.Content));
        Assert.Equal("creative", after[3].PresetId);
        Assert.Equal([before[3].Id, after[3].Id], after[3].Siblings!.Ids);
        Assert.Equal(1.0, api.Ollama.ChatRequests.Last()["options"]!["temperature"]!.GetValue<double>(), 5);
        Assert.Equal(4, api.Ollama.ChatRequests.Last()["messages"]!.AsArray().Count); // system, q0, a0, q1
    }

    [Fact]
    public async Task Bad_requests_are_problem_details_never_500()
    {
        var id = await api.NewConversationAsync();
        var cases = new (HttpContent Content, int Status)[]
        {
            (new StringContent("{\"content\": ", System.Text.Encoding.UTF8, "application/json"), 400),
            (new StringContent("{\"content\": \"\"}", System.Text.Encoding.UTF8, "application/json"), 400),
            (new StringContent("hello", System.Text.Encoding.UTF8, "text/plain"), 415),
            (new StringContent("{\"content\":\"x\",\"images\":[{\"data\":\"***\"}]}", System.Text.Encoding.UTF8, "application/json"), 400),
            (new StringContent(new string('[', 5000) + new string(']', 5000), System.Text.Encoding.UTF8, "application/json"), 400),
            (Raw("--x\r\nContent-Disposition: form-data; name=\"content\"\r\n\r\nhi", "multipart/form-data; boundary=x"), 400),
            (JsonContent.Create(new { content = "x", images = Enumerable.Range(0, 9).Select(_ => new { data = "AAAA" }) }), 400),
            (JsonContent.Create(new { content = new string('字', 100_001) }), 400),
            (JsonContent.Create(new { content = "x", presetId = "nope" }), 400),
        };

        foreach (var (content, status) in cases)
        {
            using var response = await client.PostAsync($"/api/conversations/{id}/messages", content, Ct);
            Assert.Equal(status, (int)response.StatusCode);
            Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        }

        using var unknown = await client.SendAsync(Guid.NewGuid(), new { content = "x" }, Ct);
        Assert.Equal(HttpStatusCode.NotFound, unknown.StatusCode);
        using var malformed = await client.PostAsJsonAsync("/api/conversations/not-a-guid/messages", new { content = "x" }, Ct);
        Assert.Equal(HttpStatusCode.NotFound, malformed.StatusCode);
        Assert.Empty(await api.MessagesAsync(id));
    }

    [Fact]
    public async Task A_message_too_long_for_the_context_is_refused_before_anything_is_saved()
    {
        var id = await api.NewConversationAsync();

        using var response = await client.SendAsync(id, new { content = new string('长', 20_000), options = new { num_ctx = 4096 } }, Ct);
        var problem = await response.Content.ReadFromJsonAsync<JsonObject>(Ct);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal(ProblemCodes.ContextOverflow, problem!["code"]!.GetValue<string>());
        Assert.Empty(await api.MessagesAsync(id));
    }

    private static ByteArrayContent Raw(string body, string contentType)
    {
        var content = new ByteArrayContent(System.Text.Encoding.UTF8.GetBytes(body));
        content.Headers.TryAddWithoutValidation("Content-Type", contentType);
        return content;
    }

    private static async Task<T> Eventually<T>(Func<Task<T?>> probe) where T : class
    {
        for (var i = 0; i < 100; i++)
        {
            if (await probe() is { } value)
            {
                return value;
            }

            await Task.Delay(100);
        }

        throw new TimeoutException("condition not met in 10 s");
    }
}

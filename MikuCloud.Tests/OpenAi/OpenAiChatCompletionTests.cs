using System.ClientModel;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using MikuCloud.Tests.Images;
using OpenAI.Chat;

namespace MikuCloud.Tests.OpenAi;

/// <summary>
/// <c>/v1/chat/completions</c> through the official OpenAI .NET SDK, unmodified, with a personal key, against the
/// real API and the fake Ollama: what the SDK gets back, and what Ollama was asked.
/// </summary>
public class OpenAiChatCompletionTests : OpenAiDoorTest
{
    private static readonly string Answer = string.Concat(MikuCloud.Testing.FakeChatReply.WireChunks);

    private async Task<ChatClient> ChatAsync(string model = "miku-vl") => Sdk(await KeyAsync()).GetChatClient(model);

    private JsonObject LastOllamaRequest => api.Ollama.ChatRequests.Last();

    [Fact]
    public async Task A_plain_completion_answers_with_text_usage_and_stop_and_stores_nothing()
    {
        var chat = await ChatAsync();

        ChatCompletion completion = await chat.CompleteChatAsync([new UserChatMessage("你好")], cancellationToken: Ct);

        Assert.Equal(Answer, completion.Content[0].Text);
        Assert.Equal(ChatFinishReason.Stop, completion.FinishReason);
        Assert.Equal("miku-vl", completion.Model);
        Assert.True(completion.Usage.InputTokenCount > 0);
        Assert.Equal(MikuCloud.Testing.FakeChatReply.WireChunks.Count, completion.Usage.OutputTokenCount);
        Assert.StartsWith("chatcmpl-", completion.Id, StringComparison.Ordinal);
        // Ollama got the house model's system prompt first, then the question.
        var messages = LastOllamaRequest["messages"]!.AsArray();
        Assert.Equal(["system", "user"], messages.Select(m => m!["role"]!.GetValue<string>()));
        Assert.Equal("你好", messages[1]!["content"]!.GetValue<string>());
        // Stateless, like OpenAI's: nothing in the caller's history.
        Assert.Equal(0, await api.WithDbAsync(db => Task.FromResult(db.Messages.Count())));
    }

    [Fact]
    public async Task Every_mapped_parameter_reaches_Ollama_under_its_own_name()
    {
        var chat = await ChatAsync("miku-vl:precise");
        var options = new ChatCompletionOptions
        {
            Temperature = 0.25f, TopP = 0.75f, MaxOutputTokenCount = 77, PresencePenalty = 0.5f, FrequencyPenalty = -0.5f,
            StopSequences = { "END" }, EndUserId = "u-42",
        };
#pragma warning disable OPENAI001 // Seed is marked experimental in the SDK
        options.Seed = 1234;
#pragma warning restore OPENAI001

        await chat.CompleteChatAsync([new SystemChatMessage("Answer briefly."), new UserChatMessage("hi")], options, Ct);

        var sent = LastOllamaRequest;
        var o = sent["options"]!;
        Assert.Equal(0.25, o["temperature"]!.GetValue<double>(), 3);
        Assert.Equal(0.75, o["top_p"]!.GetValue<double>(), 3);
        Assert.Equal(77, o["num_predict"]!.GetValue<int>());
        Assert.Equal(0.5, o["presence_penalty"]!.GetValue<double>(), 3);
        Assert.Equal(-0.5, o["frequency_penalty"]!.GetValue<double>(), 3);
        Assert.Equal(1234, o["seed"]!.GetValue<int>());
        Assert.Equal(["END"], o["stop"]!.AsArray().Select(s => s!.GetValue<string>()));
        Assert.Equal(1.3, o["repeat_penalty"]!.GetValue<double>(), 3); // the precise preset's own value
        // The caller's system message replaces the house model's.
        Assert.Equal(["system", "user"], sent["messages"]!.AsArray().Select(m => m!["role"]!.GetValue<string>()));
        Assert.Equal("Answer briefly.", sent["messages"]![0]!["content"]!.GetValue<string>());
    }

    [Fact]
    public async Task A_streamed_completion_arrives_in_pieces_and_ends_with_usage()
    {
        var chat = await ChatAsync();
        var text = new System.Text.StringBuilder();
        var pieces = 0;
        ChatTokenUsage? usage = null;
        ChatFinishReason? finish = null;

        await foreach (var update in chat.CompleteChatStreamingAsync([new UserChatMessage("讲个故事")], new ChatCompletionOptions(), Ct))
        {
            foreach (var part in update.ContentUpdate.Where(p => p.Text.Length > 0)) // the first chunk carries the role and ""
            {
                text.Append(part.Text);
                pieces++;
            }

            usage ??= update.Usage;
            finish ??= update.FinishReason;
        }

        Assert.Equal(Answer, text.ToString());
        Assert.Equal(MikuCloud.Testing.FakeChatReply.WireChunks.Count, pieces);
        Assert.Equal(ChatFinishReason.Stop, finish);
        Assert.NotNull(usage);
        Assert.Equal(MikuCloud.Testing.FakeChatReply.WireChunks.Count, usage.OutputTokenCount);
    }

    [Fact]
    public async Task An_image_part_goes_through_the_image_pipeline_to_Ollama()
    {
        var chat = await ChatAsync("miku-vl:vision");
        using var bitmap = TestImages.Solid(3000, 2000, TestImages.Red);
        var jpeg = TestImages.Jpeg(bitmap);

        await chat.CompleteChatAsync([new UserChatMessage(ChatMessageContentPart.CreateTextPart("这是什么颜色？"),
            ChatMessageContentPart.CreateImagePart(BinaryData.FromBytes(jpeg), "image/jpeg"))], cancellationToken: Ct);

        var image = Convert.FromBase64String(LastOllamaRequest["messages"]!.AsArray().Last()!["images"]![0]!.GetValue<string>());
        Assert.True(image.Length < jpeg.Length); // resized to the pixel budget, not passed through
        using var sent = SkiaSharp.SKBitmap.Decode(image);
        Assert.True(sent.Width < 3000);
    }

    [Fact]
    public async Task With_store_the_exchange_is_saved_as_a_conversation_in_the_callers_history()
    {
        var key = await KeyAsync();
        var chat = Sdk(key).GetChatClient("miku-vl:precise");
#pragma warning disable OPENAI001 // StoredOutputEnabled (OpenAI's "store") is marked experimental in the SDK
        var options = new ChatCompletionOptions { StoredOutputEnabled = true };
#pragma warning restore OPENAI001

        ChatCompletion completion = await chat.CompleteChatAsync(
            [new SystemChatMessage("你是猫咪专家。"), new UserChatMessage("猫为什么晒太阳？"), new AssistantChatMessage("因为暖和。"), new UserChatMessage("还有呢？")], options, Ct);

        using var script = WithApiKey(key);
        var list = await script.GetFromJsonAsync<JsonObject>("/api/conversations", Ct);
        var conversation = Assert.Single(list!["items"]!.AsArray())!;
        Assert.Equal("猫为什么晒太阳？", conversation["title"]!.GetValue<string>());
        Assert.Equal("你是猫咪专家。", conversation["systemPrompt"]!.GetValue<string>());
        Assert.Equal("precise", conversation["presetId"]!.GetValue<string>());
        var messages = await script.GetFromJsonAsync<JsonObject>($"/api/conversations/{conversation["id"]}/messages", Ct);
        Assert.Equal(["猫为什么晒太阳？", "因为暖和。", "还有呢？", completion.Content[0].Text],
            messages!["items"]!.AsArray().Select(m => m!["content"]!.GetValue<string>()));
        Assert.Equal("complete", messages["items"]![3]!["status"]!.GetValue<string>());
    }

    [Fact]
    public async Task Json_mode_and_a_json_schema_become_Ollamas_format()
    {
        var chat = await ChatAsync();

        await chat.CompleteChatAsync([new UserChatMessage("json please")], new ChatCompletionOptions { ResponseFormat = ChatResponseFormat.CreateJsonObjectFormat() }, Ct);
        Assert.Equal("json", LastOllamaRequest["format"]!.GetValue<string>());

        var schema = BinaryData.FromString("""{"type":"object","properties":{"color":{"type":"string"}},"required":["color"]}""");
        await chat.CompleteChatAsync([new UserChatMessage("schema please")],
            new ChatCompletionOptions { ResponseFormat = ChatResponseFormat.CreateJsonSchemaFormat("color", schema) }, Ct);
        Assert.Equal("string", LastOllamaRequest["format"]!["properties"]!["color"]!["type"]!.GetValue<string>());
    }

    [Fact]
    public async Task A_tool_call_round_trip_works_as_OpenAIs()
    {
        var chat = await ChatAsync();
        api.Ollama.Chat = body => body["tools"] is null || body["messages"]!.AsArray().Any(m => m!["role"]!.GetValue<string>() == "tool")
            ? new MikuCloud.Testing.FakeChatReply()
            : new MikuCloud.Testing.FakeChatReply
            {
                RawLines =
                [
                    """{"model":"miku-vl","created_at":"2026-12-06T08:00:00Z","message":{"role":"assistant","content":"","tool_calls":[{"function":{"name":"get_weather","arguments":{"city":"东京"}}}]},"done":false}""",
                    """{"model":"miku-vl","created_at":"2026-12-06T08:00:01Z","message":{"role":"assistant","content":""},"done":true,"done_reason":"stop","total_duration":1000,"prompt_eval_count":30,"prompt_eval_duration":100,"eval_count":9,"eval_duration":900}""",
                ],
            };
        var weather = ChatTool.CreateFunctionTool("get_weather", "Weather for a city",
            BinaryData.FromString("""{"type":"object","properties":{"city":{"type":"string"}},"required":["city"]}"""));
        var options = new ChatCompletionOptions { Tools = { weather } };
        List<ChatMessage> messages = [new UserChatMessage("东京天气如何？")];

        ChatCompletion first = await chat.CompleteChatAsync(messages, options, Ct);

        Assert.Equal(ChatFinishReason.ToolCalls, first.FinishReason);
        var call = Assert.Single(first.ToolCalls);
        Assert.Equal("get_weather", call.FunctionName);
        Assert.Equal("东京", JsonNode.Parse(call.FunctionArguments.ToString())!["city"]!.GetValue<string>());
        Assert.Equal("get_weather", LastOllamaRequest["tools"]![0]!["function"]!["name"]!.GetValue<string>());

        messages.Add(new AssistantChatMessage(first));
        messages.Add(new ToolChatMessage(call.Id, "晴，22°C"));
        ChatCompletion second = await chat.CompleteChatAsync(messages, options, Ct);

        Assert.Equal(Answer, second.Content[0].Text);
        var sent = LastOllamaRequest["messages"]!.AsArray();
        Assert.Equal(["system", "user", "assistant", "tool"], sent.Select(m => m!["role"]!.GetValue<string>()));
        Assert.Equal("get_weather", sent[2]!["tool_calls"]![0]!["function"]!["name"]!.GetValue<string>());
        Assert.Contains("22°C", sent[3]!["content"]!.ToJsonString(new System.Text.Json.JsonSerializerOptions { Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping }), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Bad_values_an_unknown_model_and_a_busy_server_are_OpenAIs_errors()
    {
        var key = await KeyAsync();
        var chat = Sdk(key).GetChatClient("miku-vl");

        var bad = await Assert.ThrowsAsync<ClientResultException>(() => chat.CompleteChatAsync([new UserChatMessage("x")], new ChatCompletionOptions { Temperature = 5 }, Ct));
        Assert.Equal(400, bad.Status);
        var error = JsonNode.Parse(bad.GetRawResponse()!.Content.ToString())!["error"]!;
        Assert.Equal(("temperature", "invalid_request_error"), (error["param"]!.GetValue<string>(), error["type"]!.GetValue<string>()));

        var unknown = await Assert.ThrowsAsync<ClientResultException>(() => Sdk(key).GetChatClient("gpt-4o").CompleteChatAsync([new UserChatMessage("x")], cancellationToken: Ct));
        Assert.Equal(404, unknown.Status);

        api.Ollama.Chat = _ => new MikuCloud.Testing.FakeChatReply { Status = 503, ErrorBody = """{"error":"server busy, please try again.  maximum pending requests exceeded"}""" };
        var busy = await Assert.ThrowsAsync<ClientResultException>(() => chat.CompleteChatAsync([new UserChatMessage("x")], cancellationToken: Ct));
        Assert.Equal(429, busy.Status);
        Assert.NotNull(busy.GetRawResponse()!.Headers.TryGetValue("Retry-After", out var retry) ? retry : null);
        Assert.Equal(0, await api.WithDbAsync(db => Task.FromResult(db.Messages.Count())));
    }

    [Fact]
    public async Task A_failure_mid_stream_makes_the_SDK_raise_instead_of_returning_a_short_answer()
    {
        var chat = await ChatAsync();
        api.Ollama.Chat = _ => new MikuCloud.Testing.FakeChatReply { ErrorAfterChunks = "an error was encountered while running the model: CUDA error" };
        var received = new System.Text.StringBuilder();

        var raised = await Record.ExceptionAsync(async () =>
        {
            await foreach (var update in chat.CompleteChatStreamingAsync([new UserChatMessage("go")], new ChatCompletionOptions(), Ct))
            {
                received.Append(string.Concat(update.ContentUpdate.Select(p => p.Text)));
            }
        });

        // The text so far arrived, then the SDK raised: an error line from Ollama is never a quiet, normal end.
        Assert.NotNull(raised);
        Assert.IsNotType<OperationCanceledException>(raised);
        Assert.Equal(Answer, received.ToString());
    }

    [Fact]
    public async Task A_client_that_goes_away_stops_Ollama_at_once()
    {
        var chat = await ChatAsync();
        api.Ollama.Chat = _ => new MikuCloud.Testing.FakeChatReply { HangAfterChunks = true };
        using var leave = CancellationTokenSource.CreateLinkedTokenSource(Ct);

        await Assert.ThrowsAnyAsync<OperationCanceledException>(async () =>
        {
            await foreach (var update in chat.CompleteChatStreamingAsync([new UserChatMessage("go")], new ChatCompletionOptions(), leave.Token))
            {
                if (update.ContentUpdate.Count > 0)
                {
                    await leave.CancelAsync();
                }
            }
        });

        Assert.True(await api.Ollama.ChatCancelled.WaitAsync(TimeSpan.FromSeconds(10), Ct), "Ollama's request was not cancelled");
    }

    [Fact]
    public async Task Microsoft_Extensions_AI_IChatClient_over_the_OpenAI_SDK_works_unmodified()
    {
        var client = Microsoft.Extensions.AI.OpenAIClientExtensions.AsIChatClient(await ChatAsync());

        var response = await Microsoft.Extensions.AI.ChatClientExtensions.GetResponseAsync(client, "你好", cancellationToken: Ct);

        Assert.Equal(Answer, response.Text);
        Assert.True(response.Usage?.OutputTokenCount > 0);
    }
}

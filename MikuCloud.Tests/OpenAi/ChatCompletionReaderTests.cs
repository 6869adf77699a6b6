using System.Text.Json.Nodes;
using MikuCloud.Api;
using MikuCloud.Api.OpenAi;

namespace MikuCloud.Tests.OpenAi;

/// <summary>
/// What a chat completion body becomes before it reaches the turn engine: OpenAI's fields under Ollama's option
/// names, images as bytes, tools and formats as Ollama takes them — and every refusal naming the field as OpenAI's
/// <c>param</c> does.
/// </summary>
public class ChatCompletionReaderTests
{
    private static readonly string Png = Convert.ToBase64String([0x89, 0x50, 0x4E, 0x47, 1, 2, 3]);

    private static ChatCompletionRequest Read(string json) => ChatCompletionReader.Read(JsonNode.Parse(json)!.AsObject());

    private static ApiProblem Refused(string json) => Assert.Throws<ApiProblem>(() => Read(json));

    [Fact]
    public void Every_mapped_sampling_field_arrives_under_Ollamas_option_name()
    {
        var request = Read("""
            {"model":"miku-vl","messages":[{"role":"user","content":"hi"}],
             "temperature":0.2,"top_p":0.8,"max_tokens":50,"max_completion_tokens":64,"stop":["END","\n\n"],"seed":7,
             "presence_penalty":0.5,"frequency_penalty":-0.5,"user":"u-42","stream":true,"stream_options":{"include_usage":true},"store":true,
             "metadata":{"ignored":"yes"},"parallel_tool_calls":true,"n":1,"logprobs":false}
            """);

        Assert.Equal("""{"temperature":0.2,"top_p":0.8,"presence_penalty":0.5,"frequency_penalty":-0.5,"seed":7,"num_predict":64,"stop":["END","\n\n"]}""",
            request.Options.ToJsonString(new System.Text.Json.JsonSerializerOptions { Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping }));
        Assert.True(request.Stream);
        Assert.True(request.IncludeUsage);
        Assert.True(request.Store);
        Assert.Equal("u-42", request.User);
        Assert.Equal("miku-vl", request.Model);
    }

    [Fact]
    public void A_stateless_request_by_default_streams_nothing_and_stores_nothing()
    {
        var request = Read("""{"model":"miku-vl","messages":[{"role":"user","content":"hi"}]}""");

        Assert.False(request.Stream);
        Assert.False(request.Store);
        Assert.Empty(request.Options);
        Assert.Null(request.Format);
        Assert.Equal("auto", request.ToolChoice);
    }

    [Fact]
    public void Roles_content_parts_and_data_url_images_become_messages()
    {
        var request = Read($$$"""
            {"model":"miku-vl","messages":[
              {"role":"developer","content":"Be brief."},
              {"role":"user","content":[{"type":"text","text":"What is this?"},{"type":"image_url","image_url":{"url":"data:image/png;base64,{{{Png}}}","detail":"high"}},{"type":"text","text":"And this?"}]},
              {"role":"assistant","content":null,"tool_calls":[{"id":"call_1","type":"function","function":{"name":"lookup","arguments":"{\"q\":\"x\"}"}}]},
              {"role":"tool","tool_call_id":"call_1","content":"42"}]}
            """);

        Assert.Equal(["system", "user", "assistant", "tool"], request.Messages.Select(m => m.Role));
        Assert.Equal("Be brief.", request.Messages[0].Text);
        Assert.Equal("What is this?\n\nAnd this?", request.Messages[1].Text);
        Assert.Equal(Convert.FromBase64String(Png), Assert.Single(request.Messages[1].Images).Data);
        var call = Assert.Single(request.Messages[2].ToolCalls);
        Assert.Equal(("call_1", "lookup", """{"q":"x"}"""), (call.Id, call.Name, call.ArgumentsJson));
        Assert.Equal(("call_1", "42"), (request.Messages[3].ToolCallId, request.Messages[3].Text));
    }

    [Fact]
    public void Json_mode_and_json_schema_become_Ollamas_format()
    {
        Assert.Equal("\"json\"", Read("""{"model":"m","messages":[{"role":"user","content":"x"}],"response_format":{"type":"json_object"}}""").Format!.ToJsonString());
        var schema = Read("""
            {"model":"m","messages":[{"role":"user","content":"x"}],
             "response_format":{"type":"json_schema","json_schema":{"name":"cat","strict":true,"schema":{"type":"object","properties":{"name":{"type":"string"}},"required":["name"]}}}}
            """).Format;
        Assert.Equal("""{"type":"object","properties":{"name":{"type":"string"}},"required":["name"]}""", schema!.ToJsonString());
        Assert.Null(Read("""{"model":"m","messages":[{"role":"user","content":"x"}],"response_format":{"type":"text"}}""").Format);
    }

    [Fact]
    public void Tools_and_a_forced_tool_choice_are_read()
    {
        var request = Read("""
            {"model":"m","messages":[{"role":"user","content":"weather?"}],
             "tools":[{"type":"function","function":{"name":"get_weather","description":"Weather for a city","parameters":{"type":"object","properties":{"city":{"type":"string"}}}}}],
             "tool_choice":{"type":"function","function":{"name":"get_weather"}}}
            """);

        var tool = Assert.Single(request.Tools);
        Assert.Equal(("get_weather", "Weather for a city"), (tool.Name, tool.Description));
        Assert.Equal("string", tool.Parameters.GetProperty("properties").GetProperty("city").GetProperty("type").GetString());
        Assert.Equal("get_weather", request.ToolChoice);
    }

    [Theory]
    [InlineData("""{"messages":[{"role":"user","content":"x"}]}""", "model")]
    [InlineData("""{"model":"m","messages":[]}""", "messages")]
    [InlineData("""{"model":"m","messages":[{"role":"user","content":"x"}],"n":2}""", "n")]
    [InlineData("""{"model":"m","messages":[{"role":"user","content":"x"}],"logprobs":true}""", "logprobs")]
    [InlineData("""{"model":"m","messages":[{"role":"user","content":"x"}],"top_logprobs":3}""", "top_logprobs")]
    [InlineData("""{"model":"m","messages":[{"role":"user","content":"x"}],"logit_bias":{"50256":-100}}""", "logit_bias")]
    [InlineData("""{"model":"m","messages":[{"role":"user","content":"x"}],"modalities":["text","audio"]}""", "modalities")]
    [InlineData("""{"model":"m","messages":[{"role":"user","content":"x"}],"temperature":2.5}""", "temperature")]
    [InlineData("""{"model":"m","messages":[{"role":"user","content":"x"}],"top_p":-0.1}""", "top_p")]
    [InlineData("""{"model":"m","messages":[{"role":"user","content":"x"}],"max_tokens":0}""", "max_tokens")]
    [InlineData("""{"model":"m","messages":[{"role":"user","content":"x"}],"max_completion_tokens":1.5}""", "max_completion_tokens")]
    [InlineData("""{"model":"m","messages":[{"role":"user","content":"x"}],"presence_penalty":"high"}""", "presence_penalty")]
    [InlineData("""{"model":"m","messages":[{"role":"user","content":"x"}],"seed":99999999999}""", "seed")]
    [InlineData("""{"model":"m","messages":[{"role":"user","content":"x"}],"stop":["a","b","c","d","e","f","g","h","i"]}""", "stop")]
    [InlineData("""{"model":"m","messages":[{"role":"user","content":"x"}],"stream":"yes"}""", "stream")]
    [InlineData("""{"model":"m","messages":[{"role":"user","content":"x"}],"response_format":{"type":"xml"}}""", "response_format.type")]
    [InlineData("""{"model":"m","messages":[{"role":"user","content":"x"}],"tools":[{"type":"function","function":{"name":"has space"}}]}""", "tools[0].function.name")]
    [InlineData("""{"model":"m","messages":[{"role":"user","content":"x"}],"tool_choice":{"type":"function","function":{"name":"missing"}}}""", "tool_choice")]
    [InlineData("""{"model":"m","messages":[{"role":"wizard","content":"x"}]}""", "messages[0].role")]
    [InlineData("""{"model":"m","messages":[{"role":"user","content":[{"type":"input_audio"}]}]}""", "messages[0].content[0].type")]
    [InlineData("""{"model":"m","messages":[{"role":"system","content":[{"type":"image_url","image_url":{"url":"data:image/png;base64,AA=="}}]}]}""", "messages[0].content[0]")]
    [InlineData("""{"model":"m","messages":[{"role":"user","content":[{"type":"image_url","image_url":{"url":"data:image/png,raw"}}]}]}""", "messages[0].content[0].image_url.url")]
    [InlineData("""{"model":"m","messages":[{"role":"user","content":[{"type":"image_url","image_url":{"url":"data:image/png;base64,!!!"}}]}]}""", "messages[0].content[0].image_url.url")]
    [InlineData("""{"model":"m","messages":[{"role":"tool","content":"42"}]}""", "messages[0].tool_call_id")]
    [InlineData("""{"model":"m","messages":[{"role":"assistant"}]}""", "messages[0].content")]
    public void A_value_outside_the_range_or_a_feature_this_server_lacks_is_a_400_naming_the_field(string json, string param)
    {
        var problem = Refused(json);

        Assert.Equal(400, problem.Status);
        Assert.Equal(ProblemCodes.InvalidRequest, problem.Code);
        Assert.Equal(param, Assert.Single(problem.Errors!).Key);
    }

    // Whether an http(s) URL is fetched or refused is decided after reading (an admin's switch, the address policy):
    // see ImageUrlFetchingTests, which also keeps this file's earlier "refused without being fetched" assertions.
    [Theory]
    [InlineData("http://169.254.169.254/latest/meta-data")]
    [InlineData("https://example.com/cat.png")]
    public void An_http_image_url_is_kept_as_a_url_for_the_fetcher_to_decide_on(string url)
    {
        var request = Read($$$"""{"model":"m","messages":[{"role":"user","content":[{"type":"image_url","image_url":{"url":"{{{url}}}"}}]}]}""");

        var image = Assert.Single(request.Messages[0].Images);
        Assert.Equal((new Uri(url), null, "messages[0].content[0].image_url.url"), (image.Url, image.Data, image.Param));
    }

    [Theory]
    [InlineData("file:///etc/passwd")]
    [InlineData("ftp://example.com/cat.png")]
    [InlineData("http://")]
    public void An_image_url_that_is_neither_data_nor_http_is_refused(string url)
    {
        var problem = Refused($$$"""{"model":"m","messages":[{"role":"user","content":[{"type":"image_url","image_url":{"url":"{{{url}}}"}}]}]}""");

        Assert.Equal((400, ProblemCodes.InvalidRequest), (problem.Status, problem.Code));
        Assert.Equal("messages[0].content[0].image_url.url", Assert.Single(problem.Errors!).Key);
    }
}

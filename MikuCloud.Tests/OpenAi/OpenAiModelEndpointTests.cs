using System.ClientModel;
using System.Net;
using System.Text.Json.Nodes;

namespace MikuCloud.Tests.OpenAi;

/// <summary>
/// <c>/v1/models</c> through the official OpenAI .NET SDK with a personal API key, and every error on <c>/v1</c> in
/// OpenAI's shape (the SDK's exceptions carry the status; scripts read <c>error.code</c>).
/// </summary>
public class OpenAiModelEndpointTests : OpenAiDoorTest
{
    [Fact]
    public async Task The_OpenAI_SDK_lists_the_house_model_and_one_id_per_preset()
    {
        var models = (await Sdk(await KeyAsync()).GetOpenAIModelClient().GetModelsAsync(Ct)).Value;

        Assert.Equal("miku-vl", models[0].Id);
        Assert.Contains(models, m => m.Id == "miku-vl:precise");
        Assert.Contains(models, m => m.Id == "miku-vl:vision");
        Assert.All(models, m => Assert.Equal("mikucloud", m.OwnedBy));
    }

    [Fact]
    public async Task An_unknown_model_is_OpenAIs_404_with_model_not_found()
    {
        var client = Sdk(await KeyAsync()).GetOpenAIModelClient();

        Assert.Equal("miku-vl:precise", (await client.GetModelAsync("miku-vl:precise", Ct)).Value.Id);
        var error = await Assert.ThrowsAsync<ClientResultException>(() => client.GetModelAsync("gpt-4o", Ct));
        Assert.Equal(404, error.Status);
        var body = JsonNode.Parse(error.GetRawResponse()!.Content.ToString())!["error"]!;
        Assert.Equal(("model_not_found", "not_found_error", "model"), (body["code"]!.GetValue<string>(), body["type"]!.GetValue<string>(), body["param"]!.GetValue<string>()));
        Assert.Contains("gpt-4o", body["message"]!.GetValue<string>(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_wrong_key_is_a_401_the_SDK_raises_in_OpenAIs_error_shape()
    {
        await KeyAsync();
        var error = await Assert.ThrowsAsync<ClientResultException>(() => Sdk("mkc_not-a-real-key-0000000000000000000000").GetOpenAIModelClient().GetModelsAsync(Ct));

        Assert.Equal(401, error.Status);
        var body = JsonNode.Parse(error.GetRawResponse()!.Content.ToString())!["error"]!;
        Assert.Equal("authentication_error", body["type"]!.GetValue<string>());
        Assert.False(string.IsNullOrEmpty(body["code"]?.GetValue<string>()));
    }

    [Theory]
    [InlineData("GET", "/v1/no-such-thing", 404, ProblemCodes.NotFound)]
    [InlineData("DELETE", "/v1/models", 405, ProblemCodes.MethodNotAllowed)]
    public async Task The_frameworks_own_refusals_on_v1_are_in_OpenAIs_shape_and_elsewhere_stay_RFC_7807(string method, string path, int status, string code)
    {
        using var client = WithApiKey(await KeyAsync());
        using var response = await client.SendAsync(new HttpRequestMessage(new HttpMethod(method), path), Ct);
        var body = JsonNode.Parse(await response.Content.ReadAsStringAsync(Ct))!;

        Assert.Equal((HttpStatusCode)status, response.StatusCode);
        Assert.Equal("application/json", response.Content.Headers.ContentType?.MediaType);
        Assert.Equal(code, body["error"]!["code"]!.GetValue<string>());
        Assert.Null(body["type"]); // not a problem document

        using var native = await client.SendAsync(new HttpRequestMessage(new HttpMethod(method), path.Replace("/v1", "/api", StringComparison.Ordinal)), Ct);
        Assert.Equal("application/problem+json", native.Content.Headers.ContentType?.MediaType);
    }
}

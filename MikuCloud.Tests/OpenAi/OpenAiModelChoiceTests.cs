using System.ClientModel;
using System.Text.Json.Nodes;
using MikuCloud.Tests.Images;
using MikuCloud.Tests.Models;
using OpenAI.Chat;

namespace MikuCloud.Tests.OpenAi;

/// <summary>
/// Several house models through the official OpenAI SDK: <c>/v1/models</c> lists the same enabled models as
/// <c>/api/models</c> (chat models with their preset ids, embedding models by name), the <c>model</c> id picks the
/// model that answers (and the MCP <c>ask</c> tool's <c>model</c>), and images for a text-only model are the same 400 as
/// on the chat API.
/// </summary>
public class OpenAiModelChoiceTests : OpenAiDoorTest
{
    private readonly ModelCatalogFolder folder = new();

    protected override void Configure(Dictionary<string, string?> settings)
    {
        base.Configure(settings);
        folder.Configure(settings);
    }

    public override async ValueTask InitializeAsync()
    {
        await base.InitializeAsync();
        ModelCatalogFolder.Provisioned(api.Ollama);
    }

    public override async ValueTask DisposeAsync()
    {
        await base.DisposeAsync();
        folder.Dispose();
    }

    [Fact]
    public async Task The_OpenAI_SDK_lists_every_enabled_model_with_the_presets_that_apply_to_it()
    {
        var ids = (await Sdk(await KeyAsync()).GetOpenAIModelClient().GetModelsAsync(Ct)).Value.Select(m => m.Id).ToList();

        Assert.Equal("miku-vl", ids[0]);
        Assert.Contains("miku-vl:vision", ids);
        Assert.Contains("miku-text", ids);
        Assert.Contains("miku-text:text", ids);
        Assert.DoesNotContain("miku-text:vision", ids); // vision is tuned for miku-vl, and miku-text does not borrow it
        Assert.Equal("miku-embed", ids[^1]);
    }

    [Fact]
    public async Task The_model_id_picks_the_model_that_answers_and_its_preset()
    {
        var chat = Sdk(await KeyAsync()).GetChatClient("miku-text:text");

        ChatCompletion completion = await chat.CompleteChatAsync([new UserChatMessage("写一句诗")], cancellationToken: Ct);

        var sent = api.Ollama.ChatRequests.Last();
        Assert.Equal("miku-text", sent["model"]!.GetValue<string>());
        Assert.Equal(1.0, sent["options"]!["temperature"]!.GetValue<double>()); // the text preset
        Assert.Equal("miku-text:text", completion.Model);
    }

    [Fact]
    public async Task An_image_for_a_text_only_model_is_a_400_model_no_vision_and_an_embedding_model_cannot_chat()
    {
        var key = await KeyAsync();
        var jpeg = TestImages.SolidJpeg(64, 64, TestImages.Red);

        var noVision = await Assert.ThrowsAsync<ClientResultException>(() => Sdk(key).GetChatClient("miku-text").CompleteChatAsync(
            [new UserChatMessage(ChatMessageContentPart.CreateTextPart("这是什么颜色？"), ChatMessageContentPart.CreateImagePart(BinaryData.FromBytes(jpeg), "image/jpeg"))],
            cancellationToken: Ct));
        var embedding = await Assert.ThrowsAsync<ClientResultException>(() => Sdk(key).GetChatClient("miku-embed").CompleteChatAsync([new UserChatMessage("x")], cancellationToken: Ct));

        Assert.Equal((400, ProblemCodes.ModelNoVision), (noVision.Status, CodeOf(noVision)));
        Assert.Equal((400, ProblemCodes.InvalidModel), (embedding.Status, CodeOf(embedding)));
        Assert.Empty(api.Ollama.ChatRequests);
    }

    [Fact]
    public async Task The_MCP_ask_tool_answers_with_the_model_it_is_given()
    {
        using var probe = api.CreateClient();
        var transport = new ModelContextProtocol.Client.HttpClientTransport(new ModelContextProtocol.Client.HttpClientTransportOptions
        {
            Endpoint = new Uri(probe.BaseAddress!, "/mcp"),
            AdditionalHeaders = new Dictionary<string, string> { ["Authorization"] = "Bearer " + await KeyAsync() },
        });
        await using var client = await ModelContextProtocol.Client.McpClient.CreateAsync(transport, cancellationToken: Ct);

        await client.CallToolAsync("ask", new Dictionary<string, object?> { ["question"] = "1+1?", ["model"] = "miku-text" }, cancellationToken: Ct);
        await client.CallToolAsync("ask", new Dictionary<string, object?> { ["question"] = "2+2?" }, cancellationToken: Ct);

        Assert.Equal(["miku-text", "miku-vl"], api.Ollama.ChatRequests.Select(r => r["model"]!.GetValue<string>()));
    }

    private static string? CodeOf(ClientResultException error) =>
        JsonNode.Parse(error.GetRawResponse()!.Content.ToString())!["error"]!["code"]?.GetValue<string>();
}

using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Microsoft.EntityFrameworkCore;
using MikuCloud.Tests.Api;
using MikuCloud.Tests.Images;

namespace MikuCloud.Tests.Models;

/// <summary>
/// Several house models through the chat API: the list a user picks from, a conversation's own model (at create and
/// changed later), the model each answer records, and the refusals (an unknown, off or embedding model; a preset of
/// another model; images for a text-only model).
/// </summary>
public class ModelChoiceTests : ApiTest
{
    private readonly ModelCatalogFolder folder = new();

    private HttpClient client => field ??= api.CreateClient();

    protected override void Configure(Dictionary<string, string?> settings) => folder.Configure(settings);

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
    public async Task The_model_list_shows_each_enabled_model_with_its_purpose_capabilities_presets_and_readiness()
    {
        var models = (await client.GetFromJsonAsync<List<HouseModelDto>>("/api/models", Ct))!;

        Assert.Equal(["miku-vl", "miku-embed", "miku-text"], models.Select(m => m.Name));
        var (vl, embed, text) = (models[0], models[1], models[2]);
        Assert.True(vl.IsDefault);
        Assert.All(models, m => Assert.Equal(ModelStatus.Ready, m.Status));
        Assert.Equal((ModelPurposes.Vision, true, true, 16384, 262144), (vl.Purpose, vl.Capabilities!.Vision, vl.Capabilities.Tools, vl.ContextLength, vl.Capabilities.TrainedContextLength));
        Assert.Equal((ModelPurposes.Text, false, true, 8192), (text.Purpose, text.Capabilities!.Vision, text.Capabilities.Completion, text.ContextLength));
        Assert.Equal((ModelPurposes.Embedding, true, false), (embed.Purpose, embed.Capabilities!.Embedding, embed.Capabilities.Completion));
        Assert.Equal(["balanced", "text"], text.Presets!.Order());
        Assert.Equal(6, vl.Presets!.Count);
        Assert.Empty(embed.Presets!);
        Assert.Equal("Miku Text 4B", text.Titles!["en"]);
        Assert.All(models, m => Assert.True(m.Size > 0));
        Assert.All(models, m => Assert.Null(m.Loaded)); // nothing has been asked yet
        Assert.True(text.CanChat);
        Assert.False(embed.CanChat);
    }

    [Fact]
    public async Task Refreshing_the_model_list_at_once_does_not_ask_Ollama_again()
    {
        await client.GetFromJsonAsync<List<HouseModelDto>>("/api/models", Ct);
        var asked = OllamaProbes();

        await client.GetFromJsonAsync<List<HouseModelDto>>("/api/models", Ct);
        await client.GetFromJsonAsync<List<HouseModelDto>>("/api/models", Ct);

        Assert.True(asked >= 2); // tags and ps, and show for each model
        Assert.Equal(asked, OllamaProbes());
    }

    [Fact]
    public async Task A_model_that_answered_shows_as_loaded_with_its_memory_and_keep_alive_expiry()
    {
        await AnswerAsync(await CreateAsync(new { model = "miku-text" }), "你好");

        var models = (await client.GetFromJsonAsync<List<HouseModelDto>>("/api/models", Ct))!;

        var loaded = models.Single(m => m.Name == "miku-text").Loaded!;
        Assert.True(loaded.SizeVram > 0 && loaded.SizeVram <= loaded.Size);
        Assert.InRange(loaded.ExpiresAt!.Value, DateTimeOffset.UtcNow, DateTimeOffset.UtcNow.AddHours(1));
        Assert.Equal(8192, loaded.ContextLength);
        Assert.Null(models.Single(m => m.Name == "miku-vl").Loaded);
    }

    [Fact]
    public async Task A_conversation_answers_with_the_model_it_picked_and_each_answer_records_the_model_that_wrote_it()
    {
        var conversation = await CreateAsync(new { model = "miku-text" });
        Assert.Equal(("miku-text", "balanced"), (conversation.Model, conversation.PresetId));

        await AnswerAsync(conversation, "用一句话介绍你自己");
        using (var patch = await client.PatchAsJsonAsync($"/api/conversations/{conversation.Id}", new { model = (string?)null }, Ct))
        {
            var changed = (await patch.Content.ReadFromJsonAsync<ConversationDto>(Ct))!;
            Assert.Null(changed.Model); // the default model
        }

        await AnswerAsync(conversation, "再说一次");

        Assert.Equal(["miku-text", "miku-vl"], api.Ollama.ChatRequests.Select(r => r["model"]!.GetValue<string>()));
        var page = (await client.GetFromJsonAsync<Page<MessageDto>>($"/api/conversations/{conversation.Id}/messages", Ct))!;
        Assert.Equal(["miku-text", "miku-vl"], page.Items.Where(m => m.Role == MessageRole.Assistant).Select(m => m.Model));
    }

    [Fact]
    public async Task A_new_model_takes_its_own_default_preset_and_a_preset_of_another_model_is_refused()
    {
        var conversation = await CreateAsync(new { presetId = "vision" });

        using var switched = await client.PatchAsJsonAsync($"/api/conversations/{conversation.Id}", new { model = "miku-text" }, Ct);
        Assert.Equal("balanced", (await switched.Content.ReadFromJsonAsync<ConversationDto>(Ct))!.PresetId);

        using var refused = await client.PatchAsJsonAsync($"/api/conversations/{conversation.Id}", new { presetId = "precise" }, Ct);
        Assert.Equal(HttpStatusCode.BadRequest, refused.StatusCode);
        Assert.Equal(ProblemCodes.PresetNotForModel, await CodeAsync(refused));
        Assert.Equal("balanced", (await client.GetFromJsonAsync<ConversationDto>($"/api/conversations/{conversation.Id}", Ct))!.PresetId);
    }

    [Theory]
    [InlineData("no-such-model")]
    [InlineData("miku-embed")]
    public async Task An_unknown_or_embedding_model_is_refused_with_invalid_model_and_changes_nothing(string model)
    {
        var conversation = await CreateAsync(new { model = "miku-text" });

        using var patch = await client.PatchAsJsonAsync($"/api/conversations/{conversation.Id}", new { model }, Ct);
        using var create = await client.PostAsJsonAsync("/api/conversations", new { model }, Ct);

        Assert.Equal((HttpStatusCode.BadRequest, ProblemCodes.InvalidModel), (patch.StatusCode, await CodeAsync(patch)));
        Assert.Equal((HttpStatusCode.BadRequest, ProblemCodes.InvalidModel), (create.StatusCode, await CodeAsync(create)));
        Assert.Equal("miku-text", (await client.GetFromJsonAsync<ConversationDto>($"/api/conversations/{conversation.Id}", Ct))!.Model);
        Assert.Equal(1, await api.WithDbAsync(db => db.Conversations.CountAsync(Ct)));
    }

    [Fact]
    public async Task Images_sent_to_a_text_only_model_are_a_400_model_no_vision_and_nothing_is_saved_or_sent()
    {
        var image = TestImages.SolidJpeg(64, 64, TestImages.Red);
        var body = new { content = "这是什么颜色？", model = "miku-text", images = new[] { new { mediaType = "image/jpeg", data = Convert.ToBase64String(image) } } };

        using var start = await client.PostAsJsonAsync("/api/conversations/messages", body, Ct);
        var conversation = await CreateAsync(new { model = "miku-text" });
        using var ask = await client.PostAsJsonAsync($"/api/conversations/{conversation.Id}/messages", body, Ct);

        Assert.Equal((HttpStatusCode.BadRequest, ProblemCodes.ModelNoVision), (start.StatusCode, await CodeAsync(start)));
        Assert.Equal((HttpStatusCode.BadRequest, ProblemCodes.ModelNoVision), (ask.StatusCode, await CodeAsync(ask)));
        Assert.Equal(1, await api.WithDbAsync(db => db.Conversations.CountAsync(Ct))); // only the one created above
        Assert.Equal(0, await api.WithDbAsync(db => db.Messages.CountAsync(Ct)));
        Assert.Empty(api.Ollama.ChatRequests);
    }

    private int OllamaProbes() => api.Ollama.Paths.Count(p => p is "/api/tags" or "/api/ps" or "/api/show");

    private async Task<ConversationDto> CreateAsync(object body)
    {
        using var response = await client.PostAsJsonAsync("/api/conversations", body, Ct);
        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        return (await response.Content.ReadFromJsonAsync<ConversationDto>(Ct))!;
    }

    private async Task AnswerAsync(ConversationDto conversation, string content)
    {
        using var response = await client.SendAsync(conversation.Id, new { content }, Ct);
        var events = await Sse.AllAsync(response, Ct);
        Assert.Equal(ChatStreamEvents.Done, events[^1].Name);
    }

    private static async Task<string?> CodeAsync(HttpResponseMessage response) =>
        JsonNode.Parse(await response.Content.ReadAsStringAsync(Ct))?["code"]?.GetValue<string>();
}

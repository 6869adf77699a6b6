using Bunit;
using MikuCloud.Web.Components.Chat;
using ChatPage = MikuCloud.Web.Components.Pages.Chat;

namespace MikuCloud.Tests.Web;

/// <summary>
/// The model picker beside the preset picker: only chat models that are ready, hidden when there is nothing to choose,
/// and picking one keeps the conversation, stores the model and makes the preset list follow it.
/// </summary>
public class ModelPickerTests : WebComponentTest
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(5);

    private static readonly HouseModelDto Vision = new("miku-vl", "qwen3-vl:8b-instruct-q4_K_M", 16384, ModelStatus.Ready, null,
        ModelPurposes.Vision, IsDefault: true, Titles: new Dictionary<string, string> { ["zh"] = "Miku 视觉 8B" }, Presets: ["balanced", "vision"]);

    private static readonly HouseModelDto Text = new("miku-text", "qwen3:4b", 8192, ModelStatus.Ready, null,
        ModelPurposes.Text, IsOptional: true, Titles: new Dictionary<string, string> { ["zh"] = "Miku 文本 4B" }, Presets: ["balanced"]);

    private static readonly HouseModelDto Embed = new("miku-embed", "qwen3-embedding:0.6b", 8192, ModelStatus.Ready, null, ModelPurposes.Embedding, Presets: []);

    private static readonly HouseModelDto Downloading = new("miku-vl-moe", "qwen3-vl:8b", 16384, ModelStatus.Provisioning, null, ModelPurposes.Vision, Presets: ["balanced"]);

    [Fact]
    public void With_one_chat_model_there_is_no_picker()
    {
        var cut = Render<ModelPicker>(p => p.Add(x => x.Models, [Vision]));

        Assert.Empty(cut.FindAll("[data-testid=model-picker]"));
    }

    [Fact]
    public async Task Picking_a_model_keeps_the_conversation_stores_the_model_and_the_preset_list_follows_it()
    {
        Api.Presets = Presets;
        Api.Models = [Vision, Embed, Text, Downloading];
        var conversation = new ConversationDto(Guid.NewGuid(), "看图", "vision", null, null, DateTime.UtcNow, DateTime.UtcNow);
        Api.Conversations.Add(conversation);
        Api.Messages[conversation.Id] = [Dto("user", "这是什么？"), Dto("assistant", "一只猫。")];
        var cut = Render<ChatPage>(p => p.Add(x => x.ConversationId, conversation.Id));
        cut.WaitForAssertion(() => Assert.Equal(2, cut.FindAll("article.message").Count), Patience);

        await cut.Find("[data-testid=model-picker] button.trigger").ClickAsync(new());
        Assert.Equal(["miku-vl", "miku-text"], cut.FindAll("#model-menu label.option").Select(o => o.GetAttribute("data-choice")));
        cut.Find("#model-menu label.option[data-choice=miku-text] input").Change(true);

        cut.WaitForAssertion(() => Assert.Contains(Api.Updates, u => u.Request.Model == "miku-text"), Patience);
        var update = Api.Updates.Last(u => u.Request.Model == "miku-text");
        Assert.Equal((conversation.Id, "balanced"), (update.Id, update.Request.PresetId)); // "vision" is not a preset of the text model
        Assert.Contains("Miku 文本 4B", cut.Find("[data-testid=model-picker] .value").TextContent);
        await cut.Find(".preset-picker button.trigger").ClickAsync(new());
        Assert.Equal(["balanced"], cut.FindAll("#preset-menu input").Select(i => i.GetAttribute("value")));
        Assert.Equal(2, cut.FindAll("article.message").Count); // the same conversation, still on screen
    }

    [Fact]
    public async Task Choosing_the_model_already_chosen_closes_the_menu()
    {
        var cut = Render<ModelPicker>(p => p.Add(x => x.Models, [Vision, Text]).Add(x => x.Value, "miku-vl"));

        await cut.Find("[data-testid=model-picker] button.trigger").ClickAsync(new());
        Assert.NotEmpty(cut.FindAll("#model-menu"));
        // A click on the chosen option fires no change event; the menu (and the backdrop over the page) must still go.
        await cut.Find("#model-menu label.option[data-choice=miku-vl] input").ClickAsync(new());

        Assert.Empty(cut.FindAll("#model-menu"));
        Assert.Empty(cut.FindAll(".popover-backdrop"));
    }
}

using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Abstractions;
using MikuCloud.Web.Auth;
using MikuCloud.Web.Chat;
using MikuCloud.Web.Localization;
using MikuCloud.Web.Uploads;

namespace MikuCloud.Tests.Web;

/// <summary>Settings autosave: stored once they stay still, and only for a saved conversation.</summary>
public class SettingsAutosaveTests : WebComponentTest
{
    private readonly ChatSession session;
    private readonly SettingsAutosave autosave;

    public SettingsAutosaveTests()
    {
        var text = Services.GetRequiredService<UiText>();
        var notices = new ChatNotices(text, work => work());
        session = new ChatSession(Api, text, new SubmissionUploads(Services.GetRequiredService<UploadStore>(), Services.GetRequiredService<CurrentUser>()),
            notices, new ModelStatusWatcher(Api), new RecordingSurface(), NullLogger<ChatSession>.Instance);
        autosave = new SettingsAutosave(Api, text, session);
    }

    [Fact]
    public async Task Quick_changes_are_stored_once_when_they_stay_still()
    {
        var conversation = new ConversationDto(Guid.NewGuid(), "对话", "balanced", null, null, DateTime.UtcNow, DateTime.UtcNow);
        Api.Conversations.Add(conversation);
        await session.OpenAsync(conversation.Id);
        var settings = session.State.Settings;

        settings.Overrides["temperature"] = 0.5;
        var first = autosave.SaveAsync(settings);
        settings.Overrides["temperature"] = 0.9;
        var second = autosave.SaveAsync(settings);
        settings.SystemPrompt = "简短回答。";
        await autosave.SaveAsync(settings);
        await Task.WhenAll(first, second);

        var (id, request) = Assert.Single(Api.Updates);
        Assert.Equal(conversation.Id, id);
        Assert.Equal("简短回答。", request.SystemPrompt);
        Assert.Equal(0.9, request.Options?["temperature"]?.GetValue<double>());
        Assert.Equal("已保存到此对话", autosave.Status);
    }

    [Fact]
    public async Task A_new_chat_stores_nothing_its_first_message_carries_the_settings()
    {
        await autosave.PresetChangedAsync("vision");

        Assert.Empty(Api.Updates);
        Assert.Equal("vision", session.State.Settings.PresetId);
        Assert.Null(autosave.Status);
    }

    protected override void Dispose(bool disposing)
    {
        autosave.Dispose();
        session.Dispose();
        base.Dispose(disposing);
    }
}

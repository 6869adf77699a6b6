using MikuCloud.Web.Chat;

namespace MikuCloud.Tests.Web;

/// <summary>The model-state watcher: what the banner and the preset picker show.</summary>
public class ModelStatusWatcherTests : WebComponentTest
{
    [Fact]
    public async Task The_model_and_presets_are_read_before_the_page_shows_and_presets_only_once()
    {
        Api.Presets = Presets;
        using var watcher = new ModelStatusWatcher(Api);

        await watcher.StartAsync();
        await watcher.RefreshAsync();

        Assert.Equal("ready", watcher.Model?.Status);
        Assert.False(watcher.ApiUnreachable);
        Assert.Equal("balanced", watcher.DefaultPresetId);
        Assert.Equal("均衡", watcher.PresetTitle("balanced"));
        Assert.Equal("gone", watcher.PresetTitle("gone"));
        Assert.Equal(1, Api.PresetReads);
    }

    [Fact]
    public async Task An_unreachable_API_is_reported_and_cleared_once_it_answers_again()
    {
        Api.ModelsUnreachable = true;
        using var watcher = new ModelStatusWatcher(Api);
        var changes = 0;
        watcher.Changed += () => changes++;

        await watcher.RefreshAsync();
        Assert.True(watcher.ApiUnreachable);
        Assert.Null(watcher.Model);

        Api.ModelsUnreachable = false;
        await watcher.RefreshAsync();
        await watcher.RefreshAsync();

        Assert.False(watcher.ApiUnreachable);
        Assert.Equal(2, changes); // told when it went and when it came back, not on every poll
    }
}

using Microsoft.Extensions.DependencyInjection;
using MikuCloud.Api.OpenAi.ImageUrls;

namespace MikuCloud.Tests.OpenAi;

/// <summary>An image URL is message content: with every category at Trace, fetching one leaves it out of the logs.</summary>
public class ImageUrlLoggingTests : ImageUrlDoorTest
{
    protected override void Configure(Dictionary<string, string?> settings)
    {
        base.Configure(settings);
        settings["OpenAi:ImageUrlFetching:Enabled"] = "true";
        settings["Logging:LogLevel:Default"] = "Trace";
        settings["Logging:LogLevel:Microsoft"] = "Trace";
        settings["Logging:LogLevel:System"] = "Trace";
    }

    public override ValueTask InitializeAsync()
    {
        api.TestServices = s => s.AddSingleton<ImageFetchAddressPolicy, LoopbackImageHostPolicy>();
        return base.InitializeAsync();
    }

    [Fact]
    public async Task A_fetched_image_url_is_not_written_to_the_logs_at_trace_level()
    {
        var key = await KeyAsync();

        await AskAboutAsync(key, Images.Url("/albums/narwhal8812/red.jpg"));

        Assert.Equal(["/albums/narwhal8812/red.jpg"], Images.Paths); // it was fetched
        var logs = string.Join('\n', api.Logs);
        Assert.True(logs.Length > 1000, "the logs should have captured the request");
        Assert.DoesNotContain("narwhal8812", logs, StringComparison.Ordinal);
    }
}

using System.Diagnostics;
using Microsoft.Extensions.DependencyInjection;
using MikuCloud.Api.OpenAi.ImageUrls;
using MikuCloud.Tests.Images;

namespace MikuCloud.Tests.OpenAi;

/// <summary>
/// <c>http(s)</c> image URLs on <c>/v1/chat/completions</c>, through the official SDK, with a real image server on
/// loopback reachable under the test host name <c>localhost</c> (<see cref="LoopbackImageHostPolicy"/>): off until an
/// admin turns it on, then fetched into the same image pipeline as data URLs, within the size, time and redirect limits.
/// </summary>
public class ImageUrlFetchingTests : ImageUrlDoorTest
{
    private const string Param = "messages[0].content[0].image_url.url";

    public override ValueTask InitializeAsync()
    {
        api.TestServices = s => s.AddSingleton<ImageFetchAddressPolicy, LoopbackImageHostPolicy>();
        return base.InitializeAsync();
    }

    private async Task<string> FetchingOnAsync()
    {
        var key = await KeyAsync();
        Assert.True((await PutSettingsAsync(key, new AuthSettingsDto(false, ImageUrlFetching: true))).ImageUrlFetching);
        return key;
    }

    [Theory]
    [InlineData("/red.jpg")]
    [InlineData("http://169.254.169.254/latest/meta-data")]
    [InlineData("https://example.com/cat.png")]
    public async Task With_fetching_off_an_image_url_is_refused_without_being_fetched(string url)
    {
        var key = await KeyAsync();

        var refused = await RefusedAsync(key, url.StartsWith('/') ? Images.Url(url) : url);

        Assert.Equal((400, ProblemCodes.ImageUrlNotAllowed, Param), refused);
        Assert.Equal(0, Images.Connections);
        Assert.Empty(api.Ollama.ChatRequests);
    }

    [Fact]
    public async Task Once_an_admin_turns_fetching_on_the_fetched_image_reaches_Ollama_through_the_image_pipeline()
    {
        var key = await FetchingOnAsync();
        // The Web's sign-up toggle sends the old shape, without the new field: fetching stays on.
        Assert.True((await PutSettingsAsync(key, new AuthSettingsDto(SignUpAllowed: false))).ImageUrlFetching);

        await AskAboutAsync(key, Images.Url("/red.jpg"));

        var sent = Convert.FromBase64String(api.Ollama.ChatRequests.Last()["messages"]!.AsArray().Last()!["images"]![0]!.GetValue<string>());
        // Through the same pipeline as a data URL: turned upright, EXIF (with the GPS position) gone.
        using var bitmap = TestImages.Decode(sent);
        Assert.Equal((32, 64), (bitmap.Width, bitmap.Height));
        Assert.False(TestImages.Contains(sent, "Exif"));
        Assert.True(TestImages.Near(bitmap.GetPixel(32, 32), TestImages.Red));
        Assert.Equal(["/red.jpg"], Images.Paths);
    }

    [Fact]
    public async Task A_redirect_to_an_address_the_policy_refuses_is_blocked_before_connecting_to_it()
    {
        var key = await FetchingOnAsync();
        // 127.0.0.1 is the same server, but not under the allowed host name: only the first hop may connect.
        var refused = await RefusedAsync(key, Images.Url("/redirect?to=" + Uri.EscapeDataString(Images.Url("/red.jpg", "127.0.0.1"))));

        Assert.Equal((400, ProblemCodes.ImageUrlBlocked, Param), refused);
        Assert.Equal(["/redirect"], Images.Paths);
        Assert.Empty(api.Ollama.ChatRequests);
    }

    [Theory]
    [InlineData("file:///etc/passwd")]
    [InlineData("ftp://localhost/red.jpg")]
    public async Task A_redirect_away_from_http_is_blocked(string target)
    {
        var key = await FetchingOnAsync();

        var refused = await RefusedAsync(key, Images.Url("/redirect?to=" + Uri.EscapeDataString(target)));

        Assert.Equal((400, ProblemCodes.ImageUrlBlocked, Param), refused);
    }

    [Fact]
    public async Task More_than_three_redirects_fail_the_fetch()
    {
        var key = await FetchingOnAsync();

        var refused = await RefusedAsync(key, Images.Url("/loop"));

        Assert.Equal((400, ProblemCodes.ImageUrlFetchFailed, Param), refused);
        Assert.Equal(4, Images.Paths.Count); // the URL and three redirects, then no more
    }

    [Theory]
    [InlineData("/large-declared")]
    [InlineData("/large-chunked")]
    public async Task An_image_over_the_size_limit_is_refused_whether_or_not_it_declares_its_length(string path)
    {
        var key = await FetchingOnAsync();

        var refused = await RefusedAsync(key, Images.Url(path));

        Assert.Equal((413, ProblemCodes.ImageTooLarge, Param), refused);
        Assert.Empty(api.Ollama.ChatRequests);
    }

    [Fact]
    public async Task A_server_slower_than_the_time_limit_fails_the_fetch_within_it()
    {
        var key = await FetchingOnAsync();
        var started = Stopwatch.GetTimestamp();

        var refused = await RefusedAsync(key, Images.Url("/slow"));

        Assert.Equal((400, ProblemCodes.ImageUrlFetchFailed, Param), refused);
        Assert.True(Stopwatch.GetElapsedTime(started) < TimeSpan.FromSeconds(10), "the 4 s limit ended the fetch, not the server's 30 s");
    }

    [Fact]
    public async Task An_http_error_fails_the_fetch()
    {
        var key = await FetchingOnAsync();

        Assert.Equal((400, ProblemCodes.ImageUrlFetchFailed, Param), await RefusedAsync(key, Images.Url("/missing.jpg")));
    }

    [Fact]
    public async Task Bytes_that_are_no_image_are_refused_by_the_image_pipeline_whatever_their_content_type()
    {
        var key = await FetchingOnAsync();

        var refused = await RefusedAsync(key, Images.Url("/text"));

        Assert.Equal((415, ProblemCodes.ImageUnsupportedFormat), (refused.Status, refused.Code));
        Assert.Empty(api.Ollama.ChatRequests);
    }
}

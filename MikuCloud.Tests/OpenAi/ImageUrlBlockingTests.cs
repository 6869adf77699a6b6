namespace MikuCloud.Tests.OpenAi;

/// <summary>
/// With fetching on (from configuration, <c>OpenAi:ImageUrlFetching:Enabled</c>) and the API's real address policy:
/// URLs that lead to loopback, private or metadata addresses — however they are written — are refused before any
/// connection is made.
/// </summary>
public class ImageUrlBlockingTests : ImageUrlDoorTest
{
    protected override void Configure(Dictionary<string, string?> settings)
    {
        base.Configure(settings);
        settings["OpenAi:ImageUrlFetching:Enabled"] = "true";
    }

    [Theory]
    [InlineData("localhost")]
    [InlineData("127.0.0.1")]
    [InlineData("[::1]")]
    [InlineData("[::ffff:127.0.0.1]")]
    [InlineData("[64:ff9b::7f00:1]")]
    [InlineData("169.254.169.254")]
    [InlineData("10.0.0.1")]
    [InlineData("0.0.0.0")]
    public async Task A_url_to_a_non_public_address_is_blocked_without_a_connection(string host)
    {
        var key = await KeyAsync();

        var refused = await RefusedAsync(key, Images.Url("/red.jpg", host));

        Assert.Equal((400, ProblemCodes.ImageUrlBlocked, "messages[0].content[0].image_url.url"), refused);
        Assert.Equal(0, Images.Connections);
        Assert.Empty(api.Ollama.ChatRequests);
    }
}

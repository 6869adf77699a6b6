using System.ClientModel;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using OpenAI.Chat;

namespace MikuCloud.Tests.OpenAi;

/// <summary>
/// The OpenAI door with a real <see cref="ImageServer"/> on loopback, small fetch limits (100 000 bytes, 1 s), and
/// helpers to send an image URL through the official SDK and read the error that comes back.
/// </summary>
public abstract class ImageUrlDoorTest : OpenAiDoorTest
{
    protected const int MaxBytes = 100_000;

    protected ImageServer Images { get; private set; } = null!;

    protected override void Configure(Dictionary<string, string?> settings)
    {
        base.Configure(settings);
        settings["OpenAi:ImageUrlFetching:MaxBytes"] = MaxBytes.ToString(System.Globalization.CultureInfo.InvariantCulture);
        // Short enough for the slow-server test to end well before the server would, long enough for a loaded CI machine.
        settings["OpenAi:ImageUrlFetching:Timeout"] = "00:00:04";
    }

    public override async ValueTask InitializeAsync()
    {
        Images = await ImageServer.StartAsync();
        await base.InitializeAsync();
    }

    public override async ValueTask DisposeAsync()
    {
        await base.DisposeAsync();
        await Images.DisposeAsync();
    }

    /// <summary>Asks about the image at <paramref name="url"/> (the message's first part) with the SDK.</summary>
    protected async Task<ChatCompletion> AskAboutAsync(string key, string url)
    {
        var chat = Sdk(key).GetChatClient("miku-vl:vision");
        return await chat.CompleteChatAsync([new UserChatMessage(ChatMessageContentPart.CreateImagePart(new Uri(url)),
            ChatMessageContentPart.CreateTextPart("这是什么颜色？"))], cancellationToken: Ct);
    }

    /// <summary>The refusal of <see cref="AskAboutAsync"/>: HTTP status, and OpenAI's error code and param.</summary>
    protected async Task<(int Status, string? Code, string? Param)> RefusedAsync(string key, string url)
    {
        var refused = await Assert.ThrowsAsync<ClientResultException>(() => AskAboutAsync(key, url));
        var error = JsonNode.Parse(refused.GetRawResponse()!.Content.ToString())!["error"]!;
        return (refused.Status, error["code"]?.GetValue<string>(), error["param"]?.GetValue<string>());
    }

    /// <summary>The admin (the key's owner) sets the switch; returns the settings as the API then reports them.</summary>
    protected async Task<AuthSettingsDto> PutSettingsAsync(string key, AuthSettingsDto settings)
    {
        using var client = api.CreateClient();
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", key);
        using var put = await client.PutAsJsonAsync("/api/admin/settings", settings, Ct);
        put.EnsureSuccessStatusCode();
        return (await client.GetFromJsonAsync<AuthSettingsDto>("/api/admin/settings", Ct))!;
    }
}

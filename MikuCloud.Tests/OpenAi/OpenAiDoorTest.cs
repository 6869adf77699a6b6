using System.ClientModel;
using System.Net.Http.Json;
using MikuCloud.Tests.Security;
using OpenAI;

namespace MikuCloud.Tests.OpenAi;

/// <summary>An API in accounts mode, a user with a personal key, and the official OpenAI SDK pointed at <c>/v1</c> with it.</summary>
public abstract class OpenAiDoorTest : AccountsApiTest
{
    /// <summary>Sets up the admin and makes them a key (the SDKs send it as <c>Authorization: Bearer</c>).</summary>
    protected async Task<string> KeyAsync()
    {
        var admin = await SetupAdminAsync();
        using var session = As(admin);
        using var created = await session.PostAsJsonAsync("/api/keys", new { name = "openai sdk" }, Ct);
        return (await created.Content.ReadFromJsonAsync<CreatedApiKey>(Ct))!.Key;
    }

    protected OpenAIClient Sdk(string key)
    {
        using var probe = api.CreateClient();
        return new OpenAIClient(new ApiKeyCredential(key), new OpenAIClientOptions { Endpoint = new Uri(probe.BaseAddress!, "/v1") });
    }
}

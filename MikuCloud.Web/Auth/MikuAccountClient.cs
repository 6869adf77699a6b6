using System.Net;
using MikuCloud.Web.Api;

namespace MikuCloud.Web.Auth;

/// <summary>The signed-in user's own account (<c>/api/me</c>, <c>/api/keys</c>) and, for admins, <c>/api/admin/*</c>.</summary>
public sealed class MikuAccountClient(HttpClient http, UserApiCredentials credentials) : ApiClientBase(http, credentials)
{
    public async Task<UserDto> GetMeAsync(CancellationToken cancellationToken = default) =>
        await GetAsync<UserDto>("/api/me", cancellationToken) ?? throw new InvalidOperationException("The API sent no user.");

    /// <summary>Changes the password; the answer is the new session stamp (every other session of the user ends).</summary>
    public async Task<string> ChangePasswordAsync(ChangePasswordRequest request, CancellationToken cancellationToken = default)
    {
        using var response = await SendJsonAsync(HttpMethod.Post, "/api/me/password", request, cancellationToken);
        return (await ReadAsync<StampDto>(response, cancellationToken)).Stamp;
    }

    /// <summary>The model ids the OpenAI-compatible door answers to (<c>GET /v1/models</c>), the default first.</summary>
    public async Task<IReadOnlyList<string>> ListModelIdsAsync(CancellationToken cancellationToken = default)
    {
        var list = await GetAsync<System.Text.Json.Nodes.JsonObject>("/v1/models", cancellationToken);
        return list?["data"] is System.Text.Json.Nodes.JsonArray data
            ? [.. data.Select(m => m?["id"]?.GetValue<string>()).OfType<string>()]
            : [];
    }

    public async Task<IReadOnlyList<ApiKeyDto>> ListKeysAsync(CancellationToken cancellationToken = default) =>
        await GetAsync<List<ApiKeyDto>>("/api/keys", cancellationToken) ?? [];

    public async Task<CreatedApiKey> CreateKeyAsync(string name, int? expiresInDays, CancellationToken cancellationToken = default)
    {
        using var response = await SendJsonAsync(HttpMethod.Post, "/api/keys", new CreateApiKeyRequest(name, expiresInDays), cancellationToken);
        return await ReadAsync<CreatedApiKey>(response, cancellationToken);
    }

    public async Task RevokeKeyAsync(Guid id, CancellationToken cancellationToken = default)
    {
        using var response = await SendAsync(new HttpRequestMessage(HttpMethod.Delete, $"/api/keys/{id}"), cancellationToken);
        if (response.StatusCode != HttpStatusCode.NotFound) // already gone: what the user wanted
        {
            await EnsureOkAsync(response, cancellationToken);
        }
    }

    public async Task<IReadOnlyList<UserDto>> ListUsersAsync(CancellationToken cancellationToken = default) =>
        await GetAsync<List<UserDto>>("/api/admin/users", cancellationToken) ?? [];

    public async Task<UserDto> CreateUserAsync(CreateUserRequest request, CancellationToken cancellationToken = default)
    {
        using var response = await SendJsonAsync(HttpMethod.Post, "/api/admin/users", request, cancellationToken);
        return await ReadAsync<UserDto>(response, cancellationToken);
    }

    public async Task<UserDto> UpdateUserAsync(string id, UpdateUserRequest request, CancellationToken cancellationToken = default)
    {
        using var response = await SendJsonAsync(HttpMethod.Patch, $"/api/admin/users/{Uri.EscapeDataString(id)}", request, cancellationToken);
        return await ReadAsync<UserDto>(response, cancellationToken);
    }

    public async Task ResetPasswordAsync(string id, string newPassword, CancellationToken cancellationToken = default)
    {
        using var response = await SendJsonAsync(HttpMethod.Post, $"/api/admin/users/{Uri.EscapeDataString(id)}/password",
            new ResetPasswordRequest(newPassword), cancellationToken);
        await EnsureOkAsync(response, cancellationToken);
    }

    public async Task<AuthSettingsDto> GetSettingsAsync(CancellationToken cancellationToken = default) =>
        await GetAsync<AuthSettingsDto>("/api/admin/settings", cancellationToken) ?? new AuthSettingsDto(false);

    public async Task<AuthSettingsDto> PutSettingsAsync(AuthSettingsDto settings, CancellationToken cancellationToken = default)
    {
        using var response = await SendJsonAsync(HttpMethod.Put, "/api/admin/settings", settings, cancellationToken);
        return await ReadAsync<AuthSettingsDto>(response, cancellationToken);
    }
}

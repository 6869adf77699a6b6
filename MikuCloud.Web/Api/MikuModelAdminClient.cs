using MikuCloud.Web.Auth;

namespace MikuCloud.Web.Api;

/// <summary>The admin's model operations (<c>/api/admin/models…</c>), with the signed-in admin's token.</summary>
public sealed class MikuModelAdminClient(HttpClient http, UserApiCredentials credentials) : ApiClientBase(http, credentials)
{
    /// <summary>Every house model, optional ones that are off included, with pull/create progress.</summary>
    public async Task<IReadOnlyList<HouseModelDto>> ListAsync(CancellationToken cancellationToken = default) =>
        await GetAsync<List<HouseModelDto>>("/api/admin/models", cancellationToken) ?? [];

    /// <summary>Unloads <paramref name="name"/> from Ollama's memory.</summary>
    public async Task UnloadAsync(string name, CancellationToken cancellationToken = default)
    {
        using var response = await SendAsync(new HttpRequestMessage(HttpMethod.Post, $"/api/admin/models/{Uri.EscapeDataString(name)}/unload"), cancellationToken);
        await EnsureOkAsync(response, cancellationToken);
    }

    /// <summary>Re-reads the Modelfile of <paramref name="name"/> and creates it anew (progress in <see cref="ListAsync"/>).</summary>
    public async Task RecreateAsync(string name, CancellationToken cancellationToken = default)
    {
        using var response = await SendAsync(new HttpRequestMessage(HttpMethod.Post, $"/api/admin/models/{Uri.EscapeDataString(name)}/recreate"), cancellationToken);
        await EnsureOkAsync(response, cancellationToken);
    }

    /// <summary>Turns an optional model on (it is pulled and created) or off.</summary>
    public async Task SetEnabledAsync(string name, bool enabled, CancellationToken cancellationToken = default)
    {
        using var response = await SendJsonAsync(HttpMethod.Put, $"/api/admin/models/{Uri.EscapeDataString(name)}/enabled", new ModelEnabledRequest(enabled), cancellationToken);
        await EnsureOkAsync(response, cancellationToken);
    }
}

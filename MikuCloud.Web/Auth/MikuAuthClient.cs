using MikuCloud.Web.Api;

namespace MikuCloud.Web.Auth;

/// <summary>
/// <c>/api/auth/*</c> with the Web's service token: the calls made before anyone is signed in (status, setup, sign-in,
/// sign-up, OpenID Connect linking). Refusals are <see cref="ApiException"/>s with the API's problem codes
/// (<c>invalid_credentials</c>, <c>account_disabled</c>, <c>login_throttled</c> + Retry-After, <c>signup_disabled</c>, …).
/// </summary>
public sealed class MikuAuthClient(HttpClient http, ServiceApiCredentials credentials) : ApiClientBase(http, credentials)
{
    public async Task<AuthStatusDto> GetStatusAsync(CancellationToken cancellationToken = default) =>
        await GetAsync<AuthStatusDto>("/api/auth/status", cancellationToken) ?? throw new InvalidOperationException("The API sent no status.");

    public Task<SignedInUser> SetupAsync(CredentialsRequest request, CancellationToken cancellationToken = default) =>
        PostAsync("/api/auth/setup", request, cancellationToken);

    public Task<SignedInUser> LoginAsync(CredentialsRequest request, CancellationToken cancellationToken = default) =>
        PostAsync("/api/auth/login", request, cancellationToken);

    public Task<SignedInUser> SignUpAsync(CredentialsRequest request, CancellationToken cancellationToken = default) =>
        PostAsync("/api/auth/signup", request, cancellationToken);

    public Task<SignedInUser> ExternalAsync(ExternalSignInRequest request, CancellationToken cancellationToken = default) =>
        PostAsync("/api/auth/external", request, cancellationToken);

    private async Task<SignedInUser> PostAsync<TBody>(string url, TBody body, CancellationToken cancellationToken)
    {
        using var response = await SendJsonAsync(HttpMethod.Post, url, body, cancellationToken);
        return await ReadAsync<SignedInUser>(response, cancellationToken);
    }
}

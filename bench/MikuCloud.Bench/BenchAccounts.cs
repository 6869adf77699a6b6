using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Security.Cryptography;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;
using MikuCloud.Api.Accounts;

namespace MikuCloud.Bench;

/// <summary>The account an accounts-mode API is benchmarked as: its id and session stamp (for Web tokens) and an API key.</summary>
public sealed record BenchUser(string Id, string Stamp, string ApiKey);

/// <summary>
/// Accounts for the benchmarks, made the way a real install makes them: the admin through <c>POST /api/auth/setup</c>
/// (the Web's service token), then a personal key through <c>POST /api/keys</c> (a user token). Tokens are minted as
/// the Web mints them (HS256, issuer <c>mikucloud-web</c>, audience <c>mikucloud-api</c>, two minutes).
/// </summary>
public sealed class BenchAccounts
{
    private static readonly JsonWebTokenHandler Handler = new() { SetDefaultTimesOnTokenCreation = false };

    private readonly SigningCredentials credentials;

    public BenchAccounts()
    {
        Key = RandomNumberGenerator.GetBytes(32);
        credentials = new SigningCredentials(new SymmetricSecurityKey(Key), SecurityAlgorithms.HmacSha256);
    }

    /// <summary>The shared token key (<c>Auth:ApiTokenKey</c>).</summary>
    public byte[] Key { get; }

    /// <summary>The settings that put an API in accounts mode with this key.</summary>
    public Dictionary<string, string?> Settings() => new()
    {
        ["Auth:Mode"] = "Accounts",
        ["Auth:ApiTokenKey"] = Convert.ToBase64String(Key),
    };

    /// <summary>
    /// A user token. <paramref name="unique"/> adds a random <c>jti</c>: tokens minted in the same second are otherwise
    /// byte-identical, and "a fresh token per request" should not depend on that.
    /// </summary>
    public string UserToken(BenchUser user, bool unique = false)
    {
        var claims = new Dictionary<string, object> { ["sub"] = user.Id, [ApiTokens.StampClaim] = user.Stamp, ["name"] = "bench" };
        if (unique)
        {
            claims["jti"] = Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(16));
        }

        return Mint(claims);
    }

    public string ServiceToken() => Mint(new Dictionary<string, object> { ["sub"] = ApiTokens.Issuer, [ApiTokens.ServiceClaim] = "web" });

    /// <summary>Creates the first (admin) account on a fresh accounts-mode API and gives it an API key.</summary>
    public async Task<BenchUser> SetUpAsync(Uri api, CancellationToken cancellationToken)
    {
        using var http = ChatStreams.NewClient(api);
        using var setup = new HttpRequestMessage(HttpMethod.Post, "/api/auth/setup")
        {
            Content = JsonContent.Create(new { userName = "bench", password = "bench-password-1" }),
        };
        setup.Headers.Authorization = new AuthenticationHeaderValue("Bearer", ServiceToken());
        using var signedIn = await http.SendAsync(setup, cancellationToken);
        await EnsureAsync(signedIn, cancellationToken);
        var account = (await signedIn.Content.ReadFromJsonAsync<SignedInUser>(cancellationToken))!;

        var withoutKey = new BenchUser(account.User.Id, account.Stamp, "");
        using var create = new HttpRequestMessage(HttpMethod.Post, "/api/keys") { Content = JsonContent.Create(new { name = "bench" }) };
        create.Headers.Authorization = new AuthenticationHeaderValue("Bearer", UserToken(withoutKey));
        using var created = await http.SendAsync(create, cancellationToken);
        await EnsureAsync(created, cancellationToken);
        var key = (await created.Content.ReadFromJsonAsync<CreatedApiKey>(cancellationToken))!;
        return withoutKey with { ApiKey = key.Key };
    }

    private string Mint(Dictionary<string, object> claims)
    {
        var now = DateTime.UtcNow;
        return Handler.CreateToken(new SecurityTokenDescriptor
        {
            Issuer = ApiTokens.Issuer,
            Audience = ApiTokens.Audience,
            IssuedAt = now,
            NotBefore = now.AddSeconds(-5),
            Expires = now.AddMinutes(2),
            Claims = claims,
            SigningCredentials = credentials,
        });
    }

    private static async Task EnsureAsync(HttpResponseMessage response, CancellationToken cancellationToken)
    {
        if (!response.IsSuccessStatusCode)
        {
            throw new InvalidOperationException($"{response.RequestMessage?.RequestUri}: {(int)response.StatusCode} {await response.Content.ReadAsStringAsync(cancellationToken)}");
        }
    }
}

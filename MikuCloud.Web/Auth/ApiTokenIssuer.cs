using System.Collections.Concurrent;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;

namespace MikuCloud.Web.Auth;

/// <summary>
/// Mints the short-lived tokens the Web sends to the API (<c>Authorization: Bearer</c>): HS256 with
/// <c>Auth:ApiTokenKey</c>, issuer <c>mikucloud-web</c>, audience <c>mikucloud-api</c>, valid for two minutes.
/// A <b>user token</b> carries the signed-in user's id, name and session stamp, so the API can refuse it once the
/// password changes or the account is disabled. A <b>service token</b> (<c>svc=web</c>) is only for <c>/api/auth/*</c>,
/// where nobody is signed in yet. Tokens are reused for up to a minute: a chat page makes several calls per second
/// at times, and HMAC signing each is waste — but never so long that a reused token is near its expiry.
/// </summary>
public sealed class ApiTokenIssuer(WebAuthOptions settings, TimeProvider time)
{
    public const string Issuer = WebApiToken.Issuer;
    public const string Audience = WebApiToken.Audience;
    public const string ServiceSubject = "mikucloud-web";

    /// <summary>How long a token is valid (the contract allows at most five minutes).</summary>
    public static readonly TimeSpan Lifetime = TimeSpan.FromMinutes(2);

    /// <summary>How long a minted token is reused.</summary>
    public static readonly TimeSpan ReuseFor = TimeSpan.FromSeconds(60);

    private const int MaxCached = 10_000;

    private readonly JsonWebTokenHandler handler = new() { SetDefaultTimesOnTokenCreation = false };
    private readonly SigningCredentials? credentials =
        settings.ApiTokenKey is { } key ? new SigningCredentials(new SymmetricSecurityKey(key), SecurityAlgorithms.HmacSha256) : null;
    private readonly ConcurrentDictionary<(string Subject, string? Stamp, string? Name), (string Token, DateTimeOffset Minted)> cache = new();

    /// <summary>A token for a signed-in user.</summary>
    public string ForUser(string userId, string stamp, string userName) =>
        Get((userId, stamp, userName), () => new Dictionary<string, object>
        {
            ["sub"] = userId,
            [WebApiToken.StampClaim] = stamp,
            ["name"] = userName,
        });

    /// <summary>A token that says "the Web itself" (for sign-in, setup, sign-up and OpenID Connect linking).</summary>
    public string ForService() =>
        Get((ServiceSubject, null, null), () => new Dictionary<string, object>
        {
            ["sub"] = ServiceSubject,
            [WebApiToken.ServiceClaim] = WebApiToken.ServiceValue,
        });

    private string Get((string Subject, string? Stamp, string? Name) key, Func<Dictionary<string, object>> claims)
    {
        var now = time.GetUtcNow();
        if (cache.TryGetValue(key, out var cached) && now - cached.Minted < ReuseFor)
        {
            return cached.Token;
        }

        if (credentials is null)
        {
            throw new InvalidOperationException("Auth:ApiTokenKey is not configured, so no API token can be minted.");
        }

        var token = handler.CreateToken(new SecurityTokenDescriptor
        {
            Issuer = Issuer,
            Audience = Audience,
            IssuedAt = now.UtcDateTime,
            NotBefore = now.UtcDateTime.AddSeconds(-5), // a little clock skew between Web and API replicas
            Expires = now.UtcDateTime.Add(Lifetime),
            Claims = claims(),
            SigningCredentials = credentials,
        });
        if (cache.Count >= MaxCached)
        {
            cache.Clear(); // many users in one minute: start over rather than grow without bound
        }

        cache[key] = (token, now);
        return token;
    }
}

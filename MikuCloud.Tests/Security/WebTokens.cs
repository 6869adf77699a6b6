using System.Security.Claims;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;
using MikuCloud.Api.Accounts;

namespace MikuCloud.Tests.Security;

/// <summary>Mints tokens the way the Web does (HS256, iss mikucloud-web, aud mikucloud-api), plus malformed variants.</summary>
public static class WebTokens
{
    private static readonly JsonWebTokenHandler Handler = new();

    public static string User(byte[] key, string userId, string stamp, TimeSpan? lifetime = null, string issuer = ApiTokens.Issuer,
        string audience = ApiTokens.Audience, DateTime? notBefore = null) =>
        Create(key, new Dictionary<string, object> { ["sub"] = userId, [ApiTokens.StampClaim] = stamp, ["name"] = "test" },
            lifetime ?? TimeSpan.FromMinutes(2), issuer, audience, notBefore);

    public static string Service(byte[] key) =>
        Create(key, new Dictionary<string, object> { ["sub"] = ApiTokens.Issuer, [ApiTokens.ServiceClaim] = "web" }, TimeSpan.FromMinutes(2),
            ApiTokens.Issuer, ApiTokens.Audience, null);

    public static string Create(byte[] key, Dictionary<string, object> claims, TimeSpan lifetime, string issuer, string audience, DateTime? notBefore)
    {
        var start = notBefore ?? DateTime.UtcNow;
        return Handler.CreateToken(new SecurityTokenDescriptor
        {
            Issuer = issuer,
            Audience = audience,
            Claims = claims,
            NotBefore = start,
            IssuedAt = start,
            Expires = start + lifetime,
            SigningCredentials = new SigningCredentials(new SymmetricSecurityKey(key), SecurityAlgorithms.HmacSha256),
        });
    }

    /// <summary>An unsigned token (<c>alg: none</c>), the classic JWT forgery.</summary>
    public static string Unsigned(string userId, string stamp) =>
        Handler.CreateToken(new SecurityTokenDescriptor
        {
            Issuer = ApiTokens.Issuer,
            Audience = ApiTokens.Audience,
            Subject = new ClaimsIdentity([new Claim("sub", userId), new Claim(ApiTokens.StampClaim, stamp)]),
            Expires = DateTime.UtcNow.AddMinutes(2),
        });
}

using System.Collections.Concurrent;
using System.Security.Cryptography;
using System.Text;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;

namespace MikuCloud.Tests.Security;

/// <summary>A person at the fake provider.</summary>
public sealed record FakeOidcUser(string Subject, string UserName, string Name, string Email);

/// <summary>
/// A tiny OpenID Connect provider on 127.0.0.1 speaking the real protocol to the Web's OpenIdConnect handler: discovery,
/// a JWKS with an RSA key, <c>/authorize</c> that signs <see cref="NextUser"/> in at once (no login form) and redirects
/// back with a code, and <c>/token</c> that checks the client secret and the PKCE verifier and returns an RS256 id_token
/// carrying the request's nonce.
/// </summary>
public sealed class FakeOpenIdProvider : IAsyncDisposable
{
    public const string ClientId = "mikucloud-web";
    public const string ClientSecret = "fake-provider-secret";

    private readonly RSA rsa = RSA.Create(2048);
    private readonly ConcurrentDictionary<string, (FakeOidcUser User, string? Nonce, string? Challenge, string RedirectUri)> codes = new();
    private WebApplication? app;
    private RsaSecurityKey key = null!;

    /// <summary>Who the next <c>/authorize</c> signs in.</summary>
    public FakeOidcUser NextUser { get; set; } = new("sub-alice", "alice", "Alice", "alice@example.test");

    /// <summary>The issuer (and authority) URL, without a trailing slash.</summary>
    public string Issuer { get; private set; } = "";

    /// <summary>Token requests that passed every check.</summary>
    public int TokensIssued => Volatile.Read(ref tokensIssued);

    private int tokensIssued;

    public static async Task<FakeOpenIdProvider> StartAsync()
    {
        var provider = new FakeOpenIdProvider();
        await provider.StartCoreAsync();
        return provider;
    }

    private async Task StartCoreAsync()
    {
        key = new RsaSecurityKey(rsa) { KeyId = "fake-key-1" };
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        builder.Logging.ClearProviders();
        app = builder.Build();

        app.MapGet("/.well-known/openid-configuration", () => Results.Json(new Dictionary<string, object>
        {
            ["issuer"] = Issuer,
            ["authorization_endpoint"] = Issuer + "/authorize",
            ["token_endpoint"] = Issuer + "/token",
            ["jwks_uri"] = Issuer + "/jwks",
            ["response_types_supported"] = new[] { "code" },
            ["response_modes_supported"] = new[] { "query" },
            ["subject_types_supported"] = new[] { "public" },
            ["id_token_signing_alg_values_supported"] = new[] { "RS256" },
            ["code_challenge_methods_supported"] = new[] { "S256" },
            ["scopes_supported"] = new[] { "openid", "profile", "email" },
            ["token_endpoint_auth_methods_supported"] = new[] { "client_secret_post", "client_secret_basic" },
        }));

        app.MapGet("/jwks", () =>
        {
            var p = rsa.ExportParameters(false);
            return Results.Json(new
            {
                keys = new[]
                {
                    new { kty = "RSA", use = "sig", alg = "RS256", kid = key.KeyId, n = Base64UrlEncoder.Encode(p.Modulus), e = Base64UrlEncoder.Encode(p.Exponent) },
                },
            });
        });

        app.MapGet("/authorize", (HttpContext ctx) =>
        {
            var q = ctx.Request.Query;
            if (q["client_id"] != ClientId || q["response_type"] != "code" || string.IsNullOrEmpty(q["redirect_uri"]) || q["code_challenge_method"] != "S256")
            {
                return Results.BadRequest("bad authorization request");
            }

            var code = Convert.ToHexString(RandomNumberGenerator.GetBytes(16));
            codes[code] = (NextUser, q["nonce"], q["code_challenge"], q["redirect_uri"]!);
            var separator = q["redirect_uri"].ToString().Contains('?', StringComparison.Ordinal) ? "&" : "?";
            return Results.Redirect($"{q["redirect_uri"]}{separator}code={code}&state={Uri.EscapeDataString(q["state"].ToString())}");
        });

        app.MapPost("/token", async (HttpContext ctx) =>
        {
            var form = await ctx.Request.ReadFormAsync();
            var (clientId, secret) = ClientCredentials(ctx.Request, form);
            if (clientId != ClientId || secret != ClientSecret)
            {
                return Results.Json(new { error = "invalid_client" }, statusCode: 401);
            }

            if (form["grant_type"] != "authorization_code" || !codes.TryRemove(form["code"].ToString(), out var grant) || form["redirect_uri"] != grant.RedirectUri)
            {
                return Results.Json(new { error = "invalid_grant" }, statusCode: 400);
            }

            var verifier = form["code_verifier"].ToString();
            if (grant.Challenge is null || Base64UrlEncoder.Encode(SHA256.HashData(Encoding.ASCII.GetBytes(verifier))) != grant.Challenge)
            {
                return Results.Json(new { error = "invalid_grant", error_description = "PKCE" }, statusCode: 400);
            }

            var accessToken = Convert.ToHexString(RandomNumberGenerator.GetBytes(16));
            Interlocked.Increment(ref tokensIssued);
            return Results.Json(new
            {
                access_token = accessToken,
                token_type = "Bearer",
                expires_in = 300,
                id_token = IdToken(grant.User, grant.Nonce, accessToken),
            });
        });

        await app.StartAsync();
        var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        Issuer = address.TrimEnd('/');
    }

    private string IdToken(FakeOidcUser user, string? nonce, string accessToken)
    {
        var now = DateTime.UtcNow;
        var claims = new Dictionary<string, object>
        {
            ["sub"] = user.Subject,
            ["preferred_username"] = user.UserName,
            ["name"] = user.Name,
            ["email"] = user.Email,
            // at_hash: the left half of SHA-256 of the access token (OpenID Connect Core 3.3.2.11).
            ["at_hash"] = Base64UrlEncoder.Encode(SHA256.HashData(Encoding.ASCII.GetBytes(accessToken))[..16]),
        };
        if (nonce is not null)
        {
            claims["nonce"] = nonce;
        }

        return new JsonWebTokenHandler().CreateToken(new SecurityTokenDescriptor
        {
            Issuer = Issuer,
            Audience = ClientId,
            IssuedAt = now,
            NotBefore = now.AddSeconds(-5),
            Expires = now.AddMinutes(5),
            Claims = claims,
            SigningCredentials = new SigningCredentials(key, SecurityAlgorithms.RsaSha256),
        });
    }

    private static (string? Id, string? Secret) ClientCredentials(HttpRequest request, IFormCollection form)
    {
        var header = request.Headers.Authorization.ToString();
        if (header.StartsWith("Basic ", StringComparison.OrdinalIgnoreCase))
        {
            var pair = Encoding.UTF8.GetString(Convert.FromBase64String(header[6..])).Split(':', 2);
            return (Uri.UnescapeDataString(pair[0]), pair.Length > 1 ? Uri.UnescapeDataString(pair[1]) : null);
        }

        return (form["client_id"], form["client_secret"]);
    }

    public async ValueTask DisposeAsync()
    {
        if (app is not null)
        {
            await app.DisposeAsync();
        }

        rsa.Dispose();
    }
}

using System.Security.Claims;
using System.Text.Encodings.Web;
using Microsoft.AspNetCore.Authentication;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;
using MikuCloud.Api.Data;

namespace MikuCloud.Api.Accounts;

/// <summary>
/// The API's one authentication scheme. A bearer credential is either a personal API key (<c>mkc_…</c>) or a JWT
/// from the Web (user or service); in single-user mode a loopback caller without credentials is the local user.
/// The account is loaded on every call, so disabling a user or resetting a password takes effect at once.
/// </summary>
public sealed class MikuAuthenticationHandler(
    IOptionsMonitor<AuthenticationSchemeOptions> options,
    ILoggerFactory logger,
    UrlEncoder encoder,
    IOptions<ApiAuthOptions> settings,
    ApiKeyService apiKeys,
    ChatDbContext db,
    TokenValidation validation) : AuthenticationHandler<AuthenticationSchemeOptions>(options, logger, encoder)
{
    public const string SchemeName = "MikuCloud";

    /// <summary>Where a refusal's problem <c>code</c> and detail wait for <see cref="HandleChallengeAsync"/>.</summary>
    private const string FailureItem = "mikucloud.auth.failure";

    private static readonly JsonWebTokenHandler Tokens = new() { MapInboundClaims = false };

    protected override async Task<AuthenticateResult> HandleAuthenticateAsync()
    {
        var credential = ReadCredential(Request);
        if (credential is null)
        {
            if (settings.Value.IsSingleUser)
            {
                return Loopback.IsLoopback(Context.Connection.RemoteIpAddress)
                    ? Success(LocalUser.Principal(SchemeName))
                    : Fail(ProblemCodes.SingleUserLoopbackOnly, "Single-user mode answers loopback callers only.");
            }

            return AuthenticateResult.NoResult();
        }

        return credential.StartsWith(ApiTokens.ApiKeyPrefix, StringComparison.Ordinal)
            ? await FromApiKeyAsync(credential)
            : await FromTokenAsync(credential);
    }

    private async Task<AuthenticateResult> FromApiKeyAsync(string key)
    {
        var found = await apiKeys.FindAsync(key, Context.RequestAborted);
        if (found is null)
        {
            return Fail(ProblemCodes.InvalidApiKey, "The API key is not valid or has been revoked.");
        }

        if (found.Value.Expired)
        {
            // Only the key's holder can get here, so saying when it expired tells nobody anything new.
            return Fail(ProblemCodes.ApiKeyExpired, $"The API key expired at {found.Value.Key.ExpiresAt:yyyy-MM-dd HH:mm} UTC; create a new one.");
        }

        if (found.Value.User.Disabled)
        {
            return Fail(ProblemCodes.AccountDisabled, "This account is disabled.");
        }

        return Success(UserPrincipal(found.Value.User, MikuClaims.Methods.ApiKey));
    }

    private async Task<AuthenticateResult> FromTokenAsync(string token)
    {
        if (validation.Parameters is not { } parameters)
        {
            return Fail(ProblemCodes.Unauthenticated, "This API has no token key configured (Auth:ApiTokenKey).");
        }

        var result = await Tokens.ValidateTokenAsync(token, parameters);
        if (!result.IsValid)
        {
            return Fail(ProblemCodes.InvalidToken, "The token is not valid or has expired.");
        }

        var claims = result.ClaimsIdentity;
        if (claims.FindFirst(ApiTokens.ServiceClaim)?.Value == WebApiToken.ServiceValue)
        {
            return Success(new ClaimsPrincipal(new ClaimsIdentity(
                [new Claim(MikuClaims.UserId, ApiTokens.Issuer), new Claim(MikuClaims.Method, MikuClaims.Methods.Service)],
                SchemeName, MikuClaims.Name, MikuClaims.Role)));
        }

        var userId = claims.FindFirst(MikuClaims.UserId)?.Value;
        var stamp = claims.FindFirst(ApiTokens.StampClaim)?.Value;
        if (string.IsNullOrEmpty(userId) || string.IsNullOrEmpty(stamp))
        {
            return Fail(ProblemCodes.InvalidToken, "The token names no user.");
        }

        var user = await db.Users.AsNoTracking().FirstOrDefaultAsync(u => u.Id == userId, Context.RequestAborted);
        if (user is null || !string.Equals(user.Stamp, stamp, StringComparison.Ordinal))
        {
            return Fail(ProblemCodes.SessionExpired, "This session has ended; please sign in again.");
        }

        return user.Disabled
            ? Fail(ProblemCodes.AccountDisabled, "This account is disabled.")
            : Success(UserPrincipal(user, MikuClaims.Methods.Session));
    }

    protected override async Task HandleChallengeAsync(AuthenticationProperties properties)
    {
        var (code, detail) = Context.Items[FailureItem] as (string, string)?
                             ?? (ProblemCodes.Unauthenticated, "Sign in, or send a personal API key as 'Authorization: Bearer mkc_…'.");
        Response.Headers.WWWAuthenticate = "Bearer";
        await WriteProblemAsync(StatusCodes.Status401Unauthorized, code, detail);
    }

    protected override Task HandleForbiddenAsync(AuthenticationProperties properties) =>
        WriteProblemAsync(StatusCodes.Status403Forbidden, ProblemCodes.Forbidden, "This account may not do that.");

    private Task WriteProblemAsync(int status, string code, string detail)
    {
        Response.StatusCode = status;
        return Results.Problem(detail, statusCode: status, title: status == 401 ? "Not signed in." : "Forbidden.",
            extensions: new Dictionary<string, object?> { ["code"] = code }).ExecuteAsync(Context);
    }

    private AuthenticateResult Fail(string code, string message)
    {
        Context.Items[FailureItem] = (code, message);
        return AuthenticateResult.Fail(message);
    }

    private static AuthenticateResult Success(ClaimsPrincipal principal) =>
        AuthenticateResult.Success(new AuthenticationTicket(principal, SchemeName));

    internal static ClaimsPrincipal UserPrincipal(UserAccount user, string method) =>
        new(new ClaimsIdentity(
        [
            new Claim(MikuClaims.UserId, user.Id),
            new Claim(MikuClaims.Name, user.UserName),
            new Claim(MikuClaims.Role, user.Role),
            new Claim(MikuClaims.Method, method),
        ], SchemeName, MikuClaims.Name, MikuClaims.Role));

    /// <summary><c>Authorization: Bearer x</c>, or <c>X-Api-Key: x</c> for tools that cannot set Authorization.</summary>
    private static string? ReadCredential(HttpRequest request)
    {
        var header = request.Headers.Authorization.ToString();
        if (header.StartsWith("Bearer ", StringComparison.OrdinalIgnoreCase))
        {
            var value = header["Bearer ".Length..].Trim();
            return value.Length > 0 ? value : null;
        }

        var apiKey = request.Headers["X-Api-Key"].ToString().Trim();
        return apiKey.Length > 0 ? apiKey : null;
    }

}

/// <summary>The implicit user of single-user mode.</summary>
public static class LocalUser
{
    public static ClaimsPrincipal Principal(string scheme) =>
        new(new ClaimsIdentity(
        [
            new Claim(MikuClaims.UserId, Owners.Local),
            new Claim(MikuClaims.Name, Owners.Local),
            new Claim(MikuClaims.Role, Roles.Admin),
            new Claim(MikuClaims.Method, MikuClaims.Methods.SingleUser),
        ], scheme, MikuClaims.Name, MikuClaims.Role));
}

/// <summary>
/// How Web tokens are checked, built once from <c>Auth:ApiTokenKey</c> rather than per request: HS256 only, our
/// issuer and audience, an expiry required, and no token that claims to live longer than <see cref="ApiTokens.MaxLifetime"/>.
/// </summary>
public sealed class TokenValidation
{
    private static readonly TimeSpan Skew = TimeSpan.FromSeconds(30);

    public TokenValidation(IOptions<ApiAuthOptions> settings, TimeProvider time)
    {
        ArgumentNullException.ThrowIfNull(settings);
        ArgumentNullException.ThrowIfNull(time);
        if (settings.Value.TokenKeyBytes() is not { } key)
        {
            return; // single-user mode without a key: every token is refused
        }

        Parameters = new TokenValidationParameters
        {
            ValidIssuer = ApiTokens.Issuer,
            ValidAudience = ApiTokens.Audience,
            IssuerSigningKey = new SymmetricSecurityKey(key),
            ValidAlgorithms = [SecurityAlgorithms.HmacSha256],
            RequireExpirationTime = true,
            RequireSignedTokens = true,
            ClockSkew = Skew,
            LifetimeValidator = (notBefore, expires, _, _) => IsAcceptable(notBefore, expires, time.GetUtcNow().UtcDateTime),
        };
    }

    /// <summary>Null when no token key is configured.</summary>
    public TokenValidationParameters? Parameters { get; }

    private static bool IsAcceptable(DateTime? notBefore, DateTime? expires, DateTime now)
    {
        if (expires is not { } exp)
        {
            return false;
        }

        exp = exp.ToUniversalTime();
        var start = notBefore?.ToUniversalTime() ?? now;
        return exp > now - Skew                                    // not expired
               && start <= now + Skew                              // already valid
               && exp - start <= ApiTokens.MaxLifetime + Skew      // short-lived as issued
               && exp <= now + ApiTokens.MaxLifetime + Skew;       // and not claiming a far expiry without nbf
    }
}

namespace MikuCloud.Api.Accounts;

/// <summary>
/// What the API accepts as credentials. The Web's token is <see cref="WebApiToken"/> (shared with the Web, which signs
/// it). Short-lived on purpose: the API re-checks the account on every call, so a disabled user or a reset password
/// ends every session within one request, and a leaked token is worth minutes at most.
/// </summary>
public static class ApiTokens
{
    public const string Issuer = WebApiToken.Issuer;
    public const string Audience = WebApiToken.Audience;
    public const string StampClaim = WebApiToken.StampClaim;
    public const string ServiceClaim = WebApiToken.ServiceClaim;
    public static readonly TimeSpan MaxLifetime = WebApiToken.MaxLifetime;

    /// <summary>Prefix of personal API keys, so a key in a bearer header is recognised without a JWT parse.</summary>
    public const string ApiKeyPrefix = "mkc_";
}

/// <summary>Claim types and values on the principals the API builds (<see cref="Role"/> claims carry <see cref="Roles"/> values).</summary>
public static class MikuClaims
{
    public const string UserId = "sub";
    public const string Name = "name";
    public const string Role = "role";

    /// <summary>How the caller authenticated: <see cref="Methods"/>.</summary>
    public const string Method = "amr";

    public static class Methods
    {
        public const string Session = "session";
        public const string ApiKey = "apikey";
        public const string SingleUser = "single-user";
        public const string Service = "service";
    }
}

/// <summary>Authorization policy names.</summary>
public static class AuthPolicies
{
    /// <summary>Any user (session, API key or the single user). The fallback for every endpoint.</summary>
    public const string User = "user";

    /// <summary>A user through the Web (or the single user): managing keys and passwords is not for API keys.</summary>
    public const string Session = "session";

    public const string Admin = "admin";

    /// <summary>The Web itself, before anyone is signed in (<c>/api/auth/*</c>).</summary>
    public const string Service = "service";
}

namespace MikuCloud.Api.Accounts;

/// <summary>How the API decides who is calling.</summary>
public enum AuthMode
{
    /// <summary>Accounts (the default): every call carries a Web session token or a personal API key.</summary>
    Accounts,

    /// <summary>
    /// One implicit user (<c>local</c>) and no credentials, for <c>dotnet run</c> on a laptop. Only allowed when the
    /// API listens on loopback addresses and only honoured for loopback callers.
    /// </summary>
    SingleUser,
}

/// <summary>The <c>Auth</c> configuration section (shared with the Web: same mode, same token key).</summary>
public sealed class AuthSettings
{
    public const string SectionName = "Auth";

    public AuthMode Mode { get; set; } = AuthMode.Accounts;

    /// <summary>
    /// Base64 of at least 32 random bytes, shared with the Web, which signs the short-lived user tokens with it.
    /// A secret: it comes from configuration (user secrets, environment, a Kubernetes Secret), never from the repo.
    /// </summary>
    public string? ApiTokenKey { get; set; }

    /// <summary>OpenID Connect, as far as the API is concerned (the Web holds the provider settings).</summary>
    public OidcSettings Oidc { get; set; } = new();

    /// <summary>Failed sign-ins per user name before <c>login_throttled</c>, and the window they are counted in.</summary>
    public int MaxFailedSignIns { get; set; } = 5;

    public TimeSpan FailedSignInWindow { get; set; } = TimeSpan.FromMinutes(5);

    /// <summary>The decoded token key, or null when none (or a too-short one) is configured.</summary>
    public byte[]? TokenKeyBytes() => WebApiToken.ReadKey(ApiTokenKey, out _);
}

/// <summary>The API's part of <c>Auth:Oidc</c>.</summary>
public sealed class OidcSettings
{
    /// <summary>Whether a first OpenID Connect sign-in creates an account even when sign-up is off (the provider decides who may sign in).</summary>
    public bool AutoProvision { get; set; }
}

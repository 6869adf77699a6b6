namespace MikuCloud.Api.Accounts;

/// <summary>
/// The API's view of the <c>Auth</c> configuration section (shared with the Web: same mode, same token key). The
/// mode is read by <see cref="AuthModes.Parse"/>, like the Web does.
/// </summary>
public sealed class ApiAuthOptions
{
    public const string SectionName = "Auth";

    /// <summary>
    /// <c>Auth:Mode</c> as written. Bound as text and read by <see cref="AuthModes.Parse"/>, as the Web reads it: the
    /// binder's enum conversion would refuse <c>single-user</c>, which the Web accepts.
    /// </summary>
    public string? Mode { get; set; }

    /// <summary>Whether <see cref="Mode"/> is <see cref="AuthMode.SingleUser"/>.</summary>
    public bool IsSingleUser => AuthModes.Parse(Mode) == AuthMode.SingleUser;

    /// <summary>
    /// Base64 of at least 32 random bytes, shared with the Web, which signs the short-lived user tokens with it.
    /// A secret: it comes from configuration (user secrets, environment, a Kubernetes Secret), never from the repo.
    /// </summary>
    public string? ApiTokenKey { get; set; }

    /// <summary>OpenID Connect, as far as the API is concerned (the Web holds the provider settings).</summary>
    public ApiOidcOptions Oidc { get; set; } = new();

    /// <summary>Failed sign-ins per user name before <c>login_throttled</c>, and the window they are counted in.</summary>
    public int MaxFailedSignIns { get; set; } = 5;

    public TimeSpan FailedSignInWindow { get; set; } = TimeSpan.FromMinutes(5);

    /// <summary>The decoded token key, or null when none (or a too-short one) is configured.</summary>
    public byte[]? TokenKeyBytes() => WebApiToken.ReadKey(ApiTokenKey, out _);
}

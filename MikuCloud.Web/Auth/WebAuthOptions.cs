namespace MikuCloud.Web.Auth;

/// <summary>The OpenID Connect provider, when <c>Auth:Oidc:Authority</c> is set.</summary>
/// <param name="Authority">The issuer URL (its discovery document is at <c>/.well-known/openid-configuration</c>).</param>
/// <param name="ClientId">This Web's client id at the provider.</param>
/// <param name="ClientSecret">The client secret (configuration, user-secrets or a Kubernetes Secret only); null for a public client.</param>
/// <param name="DisplayName">What the "Sign in with …" button says.</param>
/// <param name="Scopes">Scopes asked for besides <c>openid</c>.</param>
public sealed record OidcSettings(Uri Authority, string ClientId, string? ClientSecret, string DisplayName, IReadOnlyList<string> Scopes)
{
    /// <summary>The authentication scheme name of the OpenID Connect handler.</summary>
    public const string Scheme = "oidc";

    /// <summary>Provider metadata may come over plain HTTP only from this machine (the tests' fake provider).</summary>
    public bool RequireHttpsMetadata => !Loopback.IsLoopbackHost(Authority.Host);
}

/// <summary>
/// The Web's view of the <c>Auth:*</c> configuration, read and checked once at startup. A missing or weak <c>Auth:ApiTokenKey</c> in
/// Accounts mode stops the app with one clear line instead of failing on the first sign-in.
/// </summary>
public sealed class WebAuthOptions
{
    /// <summary>The shortest <c>Auth:ApiTokenKey</c> accepted: HS256 wants a key at least as long as its hash.</summary>
    public const int MinimumKeyBytes = WebApiToken.MinKeyBytes;

    private WebAuthOptions(AuthMode mode, byte[]? apiTokenKey, OidcSettings? oidc)
    {
        Mode = mode;
        ApiTokenKey = apiTokenKey;
        Oidc = oidc;
    }

    public AuthMode Mode { get; }

    /// <summary>The secret shared with the API that signs Web → API tokens; null in SingleUser mode when not configured.</summary>
    public byte[]? ApiTokenKey { get; }

    public OidcSettings? Oidc { get; }

    public bool IsSingleUser => Mode == AuthMode.SingleUser;

    /// <summary>Reads and validates <c>Auth:*</c>; throws <see cref="InvalidOperationException"/> with a one-line reason.</summary>
    public static WebAuthOptions FromConfiguration(IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        var mode = AuthModes.Parse(configuration[AuthModes.ConfigurationKey]);

        var key = ReadKey(configuration["Auth:ApiTokenKey"], required: mode == AuthMode.Accounts);
        return new WebAuthOptions(mode, key, mode == AuthMode.Accounts ? ReadOidc(configuration.GetSection("Auth:Oidc")) : null);
    }

    private static byte[]? ReadKey(string? text, bool required)
    {
        var key = WebApiToken.ReadKey(text, out var problem);
        if (key is not null || (!required && string.IsNullOrWhiteSpace(text)))
        {
            return key;
        }

        // The value itself is a secret: say what is wrong, never echo it.
        throw new InvalidOperationException(string.IsNullOrWhiteSpace(text)
            ? $"{problem}: set it (base64 of at least {MinimumKeyBytes} random bytes, the same value as the API's) or use Auth:Mode=SingleUser on a laptop."
            : $"{problem}.");
    }

    private static OidcSettings? ReadOidc(IConfigurationSection section)
    {
        var authority = section["Authority"];
        if (string.IsNullOrWhiteSpace(authority))
        {
            return null;
        }

        if (!Uri.TryCreate(authority, UriKind.Absolute, out var uri) || (uri.Scheme != Uri.UriSchemeHttps && !(uri.Scheme == Uri.UriSchemeHttp && Loopback.IsLoopbackHost(uri.Host))))
        {
            throw new InvalidOperationException($"Auth:Oidc:Authority must be an https URL (plain http only on loopback), not '{authority}'.");
        }

        var clientId = section["ClientId"];
        if (string.IsNullOrWhiteSpace(clientId))
        {
            throw new InvalidOperationException("Auth:Oidc:ClientId is required when Auth:Oidc:Authority is set.");
        }

        var scopes = (section["Scopes"] ?? "profile email")
            .Split([' ', ',', ';'], StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
            .Where(s => s != "openid")
            .Distinct(StringComparer.Ordinal)
            .ToList();
        var display = section["DisplayName"] is { Length: > 0 } d ? d : "OpenID Connect";
        return new OidcSettings(uri, clientId, section["ClientSecret"] is { Length: > 0 } secret ? secret : null, display, scopes);
    }
}

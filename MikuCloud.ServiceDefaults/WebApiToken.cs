namespace Microsoft.Extensions.Hosting;

/// <summary>
/// The token the Web signs and the API verifies, defined once for both ends: a JWT, HS256 with the shared secret
/// <c>Auth:ApiTokenKey</c>, from <see cref="Issuer"/> to <see cref="Audience"/>. A user token carries <c>sub</c>,
/// <c>name</c> and <see cref="StampClaim"/>; the Web's service token carries <see cref="ServiceClaim"/> = <see cref="ServiceValue"/>.
/// </summary>
public static class WebApiToken
{
    public const string Issuer = "mikucloud-web";
    public const string Audience = "mikucloud-api";

    /// <summary>The user's session stamp; changes on password change/reset and disable.</summary>
    public const string StampClaim = "stamp";

    /// <summary>Marks the Web's service token, which may only call <c>/api/auth/*</c>.</summary>
    public const string ServiceClaim = "svc";

    public const string ServiceValue = "web";

    /// <summary>The shortest key accepted: HS256 wants a key at least as long as its hash.</summary>
    public const int MinKeyBytes = 32;

    /// <summary>Tokens that claim a longer life than this are refused by the API, whoever signed them.</summary>
    public static readonly TimeSpan MaxLifetime = TimeSpan.FromMinutes(5);

    /// <summary>
    /// Decodes <c>Auth:ApiTokenKey</c> (base64 of at least <see cref="MinKeyBytes"/> random bytes). On failure the key is
    /// null and <paramref name="problem"/> says what is wrong without echoing the value (it is a secret).
    /// </summary>
    public static byte[]? ReadKey(string? text, out string? problem)
    {
        if (string.IsNullOrWhiteSpace(text))
        {
            problem = "Auth:ApiTokenKey is missing";
            return null;
        }

        byte[] key;
        try
        {
            key = Convert.FromBase64String(text.Trim());
        }
        catch (FormatException)
        {
            problem = "Auth:ApiTokenKey is not valid base64";
            return null;
        }

        problem = key.Length >= MinKeyBytes ? null : $"Auth:ApiTokenKey is {key.Length} bytes; it must be at least {MinKeyBytes} random bytes (base64)";
        return problem is null ? key : null;
    }
}

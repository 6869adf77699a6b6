using System.Text.Json.Serialization;

namespace MikuCloud.Contracts;

// Request records keep every member nullable: the API answers a missing field with a 400 problem naming it instead of
// failing in the JSON reader. Clients pass real values. (Type summaries are also the OpenAPI schema descriptions.)

/// <summary>
/// What a client needs before anyone signs in (<c>GET /api/auth/status</c>); <c>mode</c> is <c>accounts</c> or
/// <c>single-user</c>.
/// </summary>
public sealed record AuthStatusDto(string Mode, bool SetupRequired, bool SignUpAllowed);

/// <summary>
/// A user name and password for <c>POST /api/auth/login</c>, <c>/api/auth/setup</c> and <c>/api/auth/signup</c>;
/// <c>displayName</c> only counts when an account is created.
/// </summary>
public sealed record CredentialsRequest(string? UserName, string? Password, string? DisplayName = null);

/// <summary>
/// An OpenID Connect sign-in the Web completed (<c>POST /api/auth/external</c>): the provider's issuer and subject
/// identify the person; the rest seeds a new account.
/// </summary>
public sealed record ExternalSignInRequest(string? Issuer, string? Subject, string? UserName = null, string? DisplayName = null, string? Email = null);

/// <summary>
/// An account (<c>GET /api/me</c>, <c>/api/admin/users</c>, and in a sign-in's answer); <c>role</c> is <c>admin</c> or
/// <c>user</c>, and <c>displayName</c> is never null (the user name when none was given).
/// </summary>
public sealed record UserDto(string Id, string UserName, string DisplayName, string Role, bool Disabled, DateTime CreatedAt,
    DateTime? LastSignInAt, bool HasPassword, bool External);

/// <summary>The answer to a successful sign-in (<c>POST /api/auth/*</c>): the account and its session stamp.</summary>
/// <remarks>The Web puts the stamp into its cookie and its tokens; a new stamp ends the older sessions.</remarks>
public sealed record SignedInUser(UserDto User, string Stamp);

/// <summary>The body of <c>POST /api/me/password</c>.</summary>
public sealed record ChangePasswordRequest(string? CurrentPassword, string? NewPassword);

/// <summary>The answer to <c>POST /api/me/password</c>: the new session stamp (every other session ends).</summary>
public sealed record StampDto(string Stamp);

/// <summary>
/// The body of <c>POST /api/keys</c>: the new personal API key's name, and after how many days it stops working
/// (1–3650; left out or null: it works until revoked).
/// </summary>
public sealed record CreateApiKeyRequest(string? Name, int? ExpiresInDays = null);

/// <summary>A personal API key as <c>GET /api/keys</c> lists it: its prefix, never the key.</summary>
/// <remarks><c>expiresAt</c> null: it works until revoked.</remarks>
public sealed record ApiKeyDto(Guid Id, string Name, string Prefix, DateTime CreatedAt, DateTime? LastUsedAt, DateTime? RevokedAt,
    DateTime? ExpiresAt)
{
    /// <summary>Whether the key works at <paramref name="now"/> (UTC).</summary>
    public bool IsActiveAt(DateTime now) => ApiKeyLifetime.IsActive(RevokedAt, ExpiresAt, now);
}

/// <summary>When a personal API key works: from creation until revoked or past <c>expiresAt</c>, whichever comes first.</summary>
public static class ApiKeyLifetime
{
    /// <summary>The longest <c>expiresInDays</c> (about ten years); beyond that, "never" says it better.</summary>
    public const int MaxDays = 3650;

    /// <summary>Neither revoked nor expired at <paramref name="now"/> (UTC).</summary>
    public static bool IsActive(DateTime? revokedAt, DateTime? expiresAt, DateTime now) => revokedAt is null && (expiresAt is null || expiresAt > now);
}

/// <summary>The answer to <c>POST /api/keys</c>; <c>key</c> is in this answer only (the API keeps a hash).</summary>
public sealed record CreatedApiKey(Guid Id, string Name, string Prefix, DateTime CreatedAt, DateTime? LastUsedAt, DateTime? RevokedAt,
    DateTime? ExpiresAt, string Key);

/// <summary>The body of <c>POST /api/admin/users</c>: an account with an initial password (role <c>user</c> unless given).</summary>
public sealed record CreateUserRequest(string? UserName, string? Password, string? DisplayName = null, string? Role = null);

/// <summary>The body of <c>PATCH /api/admin/users/{id}</c>: only the fields present change.</summary>
/// <remarks>
/// Nulls are left out when this record is written, so a client sends exactly the change it means. The API reads
/// absent and null alike (no change), so the attributes change nothing for it.
/// </remarks>
public sealed record UpdateUserRequest(
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] string? DisplayName = null,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] string? Role = null,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] bool? Disabled = null);

/// <summary>The body of <c>POST /api/admin/users/{id}/password</c>: the user's new password (their sessions end and their API keys are revoked).</summary>
public sealed record ResetPasswordRequest(string? NewPassword);

/// <summary>Install-wide settings (<c>GET|PUT /api/admin/settings</c>).</summary>
/// <param name="SignUpAllowed">Whether anyone may create an account.</param>
/// <param name="ImageUrlFetching">
/// Whether <c>/v1/chat/completions</c> fetches <c>http(s)</c> image URLs (public addresses only, within size and time
/// limits). Always given by <c>GET</c>; a <c>PUT</c> without it leaves it as it is.
/// </param>
public sealed record AuthSettingsDto(
    bool SignUpAllowed,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] bool? ImageUrlFetching = null);

/// <summary>The two account roles (<see cref="UserDto.Role"/>, <see cref="CreateUserRequest.Role"/>).</summary>
/// <remarks>Also the <c>role</c> claim values on the API's and the Web's principals.</remarks>
public static class Roles
{
    /// <summary>Manages accounts and install-wide settings.</summary>
    public const string Admin = "admin";

    /// <summary>Everyone else.</summary>
    public const string User = "user";
}

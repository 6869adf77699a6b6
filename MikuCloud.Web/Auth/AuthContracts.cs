namespace MikuCloud.Web.Auth;

// Web-side copies of the API's account contract (/api/auth/*, /api/me, /api/keys, /api/admin/*). As with the chat
// contract (Api/Contracts.cs) the JSON is the only coupling; the security browser tests run both for real.

/// <summary><c>GET /api/auth/status</c>: <c>mode</c> is <c>accounts</c> or <c>single-user</c>.</summary>
public sealed record AuthStatus(string Mode, bool SetupRequired, bool SignUpAllowed);

/// <summary>A MikuCloud user. <see cref="Role"/> is <c>admin</c> or <c>user</c>.</summary>
public sealed record UserDto(string Id, string UserName, string? DisplayName, string Role, bool Disabled, DateTime CreatedAt,
    DateTime? LastSignInAt, bool HasPassword, bool External)
{
    public bool IsAdmin => Role == Roles.Admin;

    /// <summary>What to call the user on screen.</summary>
    public string ShownName => string.IsNullOrWhiteSpace(DisplayName) ? UserName : DisplayName;
}

/// <summary>The answer to a successful sign-in: the user and the session stamp the Web puts in its cookie and tokens.</summary>
public sealed record SignedInUser(UserDto User, string Stamp);

/// <summary><c>POST /api/auth/login</c>.</summary>
public sealed record LoginRequest(string UserName, string Password);

/// <summary><c>POST /api/auth/setup</c> and <c>/api/auth/signup</c>.</summary>
public sealed record NewAccountRequest(string UserName, string Password, string? DisplayName);

/// <summary><c>POST /api/auth/external</c>: the provider's issuer and subject identify the person.</summary>
public sealed record ExternalSignInRequest(string Issuer, string Subject, string? UserName, string? DisplayName, string? Email);

/// <summary><c>POST /api/me/password</c>.</summary>
public sealed record ChangePasswordRequest(string CurrentPassword, string NewPassword);

/// <summary>The new session stamp after a password change.</summary>
public sealed record StampDto(string Stamp);

/// <summary>A personal API key as listed (never the key itself).</summary>
public sealed record ApiKeyDto(Guid Id, string Name, string Prefix, DateTime CreatedAt, DateTime? LastUsedAt, DateTime? RevokedAt);

/// <summary><c>POST /api/keys</c>: the key is in this answer only.</summary>
public sealed record CreatedApiKey(Guid Id, string Name, string Prefix, DateTime CreatedAt, DateTime? LastUsedAt, DateTime? RevokedAt, string Key);

/// <summary><c>POST /api/keys</c>.</summary>
public sealed record CreateApiKeyRequest(string Name);

/// <summary><c>POST /api/admin/users</c>.</summary>
public sealed record AdminCreateUserRequest(string UserName, string Password, string? DisplayName, string? Role);

/// <summary><c>PATCH /api/admin/users/{id}</c>: only the fields present change.</summary>
public sealed record AdminUpdateUserRequest(
    [property: System.Text.Json.Serialization.JsonIgnore(Condition = System.Text.Json.Serialization.JsonIgnoreCondition.WhenWritingNull)] string? DisplayName = null,
    [property: System.Text.Json.Serialization.JsonIgnore(Condition = System.Text.Json.Serialization.JsonIgnoreCondition.WhenWritingNull)] string? Role = null,
    [property: System.Text.Json.Serialization.JsonIgnore(Condition = System.Text.Json.Serialization.JsonIgnoreCondition.WhenWritingNull)] bool? Disabled = null);

/// <summary><c>POST /api/admin/users/{id}/password</c>.</summary>
public sealed record ResetPasswordRequest(string NewPassword);

/// <summary><c>GET|PUT /api/admin/settings</c>.</summary>
public sealed record AdminSettings(bool SignUpAllowed);

/// <summary>The two roles.</summary>
public static class Roles
{
    public const string Admin = "admin";
    public const string User = "user";
}

namespace MikuCloud.Api.Accounts;

/// <summary>What the Web needs before anyone signs in.</summary>
public sealed record AuthStatusDto(string Mode, bool SetupRequired, bool SignUpAllowed);

public sealed record CredentialsRequest(string? UserName, string? Password, string? DisplayName = null);

/// <summary>An OpenID Connect sign-in the Web completed: the provider's issuer and subject identify the person.</summary>
public sealed record ExternalSignInRequest(string? Issuer, string? Subject, string? UserName = null, string? DisplayName = null, string? Email = null);

public sealed record UserDto(string Id, string UserName, string DisplayName, string Role, bool Disabled, DateTime CreatedAt,
    DateTime? LastSignInAt, bool HasPassword, bool External);

/// <summary>A successful sign-in: the account and the session stamp the Web puts into its user tokens.</summary>
public sealed record SignedInUser(UserDto User, string Stamp);

public sealed record ChangePasswordRequest(string? CurrentPassword, string? NewPassword);

public sealed record StampDto(string Stamp);

public sealed record CreateApiKeyRequest(string? Name);

public sealed record ApiKeyDto(Guid Id, string Name, string Prefix, DateTime CreatedAt, DateTime? LastUsedAt, DateTime? RevokedAt);

/// <summary>A new key. <see cref="Key"/> is in this answer only; the API keeps a hash.</summary>
public sealed record CreatedApiKey(Guid Id, string Name, string Prefix, DateTime CreatedAt, DateTime? LastUsedAt, DateTime? RevokedAt, string Key);

public sealed record CreateUserRequest(string? UserName, string? Password, string? DisplayName = null, string? Role = null);

/// <summary>Only the fields present change.</summary>
public sealed record UpdateUserRequest(string? DisplayName = null, string? Role = null, bool? Disabled = null);

public sealed record ResetPasswordRequest(string? NewPassword);

public sealed record AuthSettingsDto(bool SignUpAllowed);

internal static class AccountMapping
{
    public static UserDto ToDto(this UserAccount u) =>
        new(u.Id, u.UserName, u.DisplayName, u.Role, u.Disabled, u.CreatedAt, u.LastSignInAt, u.PasswordHash is not null, u.ExternalIssuer is not null);

    public static ApiKeyDto ToDto(this ApiKey k) => new(k.Id, k.Name, k.Prefix, k.CreatedAt, k.LastUsedAt, k.RevokedAt);
}

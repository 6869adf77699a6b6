namespace MikuCloud.Api.Accounts;

/// <summary>Entities to their contract records (MikuCloud.Contracts); what leaves the API and what does not is decided here.</summary>
internal static class AccountMapping
{
    public static UserDto ToDto(this UserAccount u) =>
        new(u.Id, u.UserName, u.DisplayName, u.Role, u.Disabled, u.CreatedAt, u.LastSignInAt, u.PasswordHash is not null, u.ExternalIssuer is not null);

    public static ApiKeyDto ToDto(this ApiKey k) => new(k.Id, k.Name, k.Prefix, k.CreatedAt, k.LastUsedAt, k.RevokedAt, k.ExpiresAt);
}

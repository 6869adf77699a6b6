using System.Linq.Expressions;

namespace MikuCloud.Api.Accounts;

/// <summary>A person who can sign in. Owns conversations through <c>Conversation.OwnerId == Id</c>.</summary>
public sealed class UserAccount
{
    public string Id { get; set; } = "";
    public string UserName { get; set; } = "";
    /// <summary>Upper-invariant <see cref="UserName"/>: unique, so "Miku" and "miku" are one account.</summary>
    public string NormalizedUserName { get; set; } = "";
    public string DisplayName { get; set; } = "";
    /// <summary>ASP.NET Core Identity's PBKDF2 format; null for accounts that only sign in through OpenID Connect.</summary>
    public string? PasswordHash { get; set; }
    public string Role { get; set; } = Roles.User;
    public bool Disabled { get; set; }
    /// <summary>Changes whenever existing sessions must end (password change or reset, disable).</summary>
    public string Stamp { get; set; } = "";
    public string? ExternalIssuer { get; set; }
    public string? ExternalSubject { get; set; }
    public DateTime CreatedAt { get; set; }
    public DateTime? LastSignInAt { get; set; }
}

/// <summary>A personal API key. Only its SHA-256 is stored; the key itself is shown once, when created.</summary>
public sealed class ApiKey
{
    public Guid Id { get; set; }
    public string UserId { get; set; } = "";
    public string Name { get; set; } = "";
    /// <summary>The first characters of the key, so a user can tell their keys apart.</summary>
    public string Prefix { get; set; } = "";
    public string Hash { get; set; } = "";
    public DateTime CreatedAt { get; set; }
    public DateTime? LastUsedAt { get; set; }
    public DateTime? RevokedAt { get; set; }
    /// <summary>When the key stops working by itself; null: never (until revoked).</summary>
    public DateTime? ExpiresAt { get; set; }

    /// <summary>Neither revoked nor expired at <paramref name="now"/>.</summary>
    public bool IsActive(DateTime now) => ApiKeyLifetime.IsActive(RevokedAt, ExpiresAt, now);

    /// <summary><see cref="IsActive"/> for database queries (EF Core translates this form, not the method).</summary>
    public static Expression<Func<ApiKey, bool>> ActiveAt(DateTime now) => k => k.RevokedAt == null && (k.ExpiresAt == null || k.ExpiresAt > now);
}

/// <summary>Install-wide settings an admin changes at runtime (e.g. whether sign-up is open).</summary>
public sealed class InstallSetting
{
    public string Key { get; set; } = "";
    public string Value { get; set; } = "";

    public const string SignUpAllowed = "signup_allowed";

    /// <summary>Whether <c>/v1</c> fetches http(s) image URLs; no row means the configured default.</summary>
    public const string ImageUrlFetching = "image_url_fetching";
}

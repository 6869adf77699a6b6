using Microsoft.AspNetCore.Identity;

namespace MikuCloud.Api.Accounts;

/// <summary>
/// Password hashing (ASP.NET Core Identity's PBKDF2-SHA512, 100,000 iterations, per-password salt) and the
/// password and user-name rules, in one place so sign-up, setup, admin and change-password agree.
/// </summary>
public static class Passwords
{
    public const int MinLength = 8;
    public const int MaxLength = 256;
    public const int MinUserNameLength = 3;
    public const int MaxUserNameLength = 64;

    private static readonly PasswordHasher<UserAccount> Hasher = new();

    public static string Hash(UserAccount user, string password) => Hasher.HashPassword(user, password);

    public static bool Verify(UserAccount user, string password) =>
        user.PasswordHash is { } hash && Hasher.VerifyHashedPassword(user, hash, password) != PasswordVerificationResult.Failed;

    /// <summary>A PBKDF2 run against a throwaway hash, so an unknown user name takes as long as a wrong password.</summary>
    public static void BurnEquivalentTime(string password) =>
        Hasher.VerifyHashedPassword(Dummy, DummyHash, password);

    private static readonly UserAccount Dummy = new();
    private static readonly string DummyHash = Hasher.HashPassword(Dummy, Guid.NewGuid().ToString());

    public static string? PasswordError(string? password) => password switch
    {
        null or "" => "Enter a password.",
        { Length: < MinLength } => $"Use at least {MinLength} characters.",
        { Length: > MaxLength } => $"Use at most {MaxLength} characters.",
        _ when string.IsNullOrWhiteSpace(password) => "The password cannot be only spaces.",
        _ => null,
    };

    public static string? UserNameError(string? userName)
    {
        if (string.IsNullOrWhiteSpace(userName))
        {
            return "Enter a user name.";
        }

        var name = userName.Trim();
        if (name.Length is < MinUserNameLength or > MaxUserNameLength)
        {
            return $"Use {MinUserNameLength}–{MaxUserNameLength} characters.";
        }

        return name.All(c => char.IsLetterOrDigit(c) || c is '.' or '_' or '-' or '@')
            ? null
            : "Use letters, digits and . _ - @ only.";
    }

    public static string Normalize(string userName) => userName.Trim().ToUpperInvariant();
}

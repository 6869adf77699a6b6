using System.Security.Cryptography;

namespace MikuCloud.Api.Accounts;

/// <summary>The account rules the services share: what a valid name and password are, a new account, a new stamp, and the refusals.</summary>
internal static class AccountRules
{
    /// <summary>Throws a 400 problem listing every field that is not valid (user name and password together).</summary>
    public static void CheckCredentials(string? userName, string? password)
    {
        var errors = new Dictionary<string, string[]>();
        if (Passwords.UserNameError(userName) is { } nameError)
        {
            errors["userName"] = [nameError];
        }

        if (Passwords.PasswordError(password) is { } passwordError)
        {
            errors["password"] = [passwordError];
        }

        if (errors.Count > 0)
        {
            throw new ApiProblem(400, ProblemCodes.InvalidRequest, "Some fields are not valid.", errors);
        }
    }

    /// <summary>Throws a 400 problem unless <paramref name="role"/> is absent, <c>user</c> or <c>admin</c>.</summary>
    public static void CheckRole(string? role)
    {
        if (role is not (null or Roles.User or Roles.Admin))
        {
            throw ApiProblem.Invalid("role", "Use 'user' or 'admin'.");
        }
    }

    public static UserAccount NewUser(string userName, string? displayName, string role, DateTime now) => new()
    {
        Id = Guid.NewGuid().ToString("N"),
        UserName = userName.Trim(),
        NormalizedUserName = Passwords.Normalize(userName),
        DisplayName = string.IsNullOrWhiteSpace(displayName) ? userName.Trim() : displayName.Trim()[..Math.Min(100, displayName.Trim().Length)],
        Role = role,
        Stamp = NewStamp(),
        CreatedAt = now,
    };

    /// <summary>A new session stamp: changing it ends every session and token issued with the old one.</summary>
    public static string NewStamp() => Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(16));

    public static ApiProblem InvalidCredentials() => new(401, ProblemCodes.InvalidCredentials, "The user name or password is wrong.");

    public static ApiProblem Disabled() => new(403, ProblemCodes.AccountDisabled, "This account is disabled. Ask an admin to enable it.");

    public static ApiProblem UserNotFound() => new(404, ProblemCodes.UserNotFound, "There is no such user.");

    public static ApiProblem UserNameTaken() => new(409, ProblemCodes.UserNameTaken, "That user name is taken.");
}

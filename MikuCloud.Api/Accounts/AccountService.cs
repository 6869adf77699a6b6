using System.Security.Cryptography;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using MikuCloud.Api.Data;

namespace MikuCloud.Api.Accounts;

/// <summary>Accounts: the first admin, sign-in, sign-up, OpenID Connect links, passwords and the admin's changes.</summary>
public sealed class AccountService(ChatDbContext db, LoginThrottle throttle, IOptions<AuthSettings> settings, TimeProvider time,
    ILogger<AccountService> logger)
{
    /// <summary>Inserted with the first admin. Its primary key makes a second concurrent setup fail, even across replicas.</summary>
    private const string SetupDoneKey = "setup_done";

    public async Task<AuthStatusDto> StatusAsync(CancellationToken ct) => new(
        settings.Value.Mode == AuthMode.SingleUser ? "single-user" : "accounts",
        SetupRequired: !await db.Users.AnyAsync(ct),
        SignUpAllowed: await SignUpAllowedAsync(ct));

    public async Task<bool> SignUpAllowedAsync(CancellationToken ct) =>
        await db.Settings.Where(s => s.Key == InstallSetting.SignUpAllowed).Select(s => s.Value).FirstOrDefaultAsync(ct) == "true";

    public async Task SetSignUpAllowedAsync(bool allowed, CancellationToken ct)
    {
        var row = await db.Settings.FindAsync([InstallSetting.SignUpAllowed], ct);
        if (row is null)
        {
            db.Settings.Add(new InstallSetting { Key = InstallSetting.SignUpAllowed, Value = allowed ? "true" : "false" });
        }
        else
        {
            row.Value = allowed ? "true" : "false";
        }

        await db.SaveChangesAsync(ct);
    }

    /// <summary>
    /// Creates the first admin on a fresh install. Conversations made earlier in single-user mode (owner <c>local</c>)
    /// become the admin's, so switching a laptop install to accounts loses nothing.
    /// </summary>
    public async Task<Result> SetupAsync(CredentialsRequest request, CancellationToken ct)
    {
        if (Validate(request.UserName, request.Password) is { } invalid)
        {
            return invalid;
        }

        if (await db.Users.AnyAsync(ct))
        {
            return Problem(409, ProblemCodes.SetupDone, "This install already has an admin. Sign in instead.");
        }

        var user = NewUser(request.UserName!, request.DisplayName, Roles.Admin);
        user.PasswordHash = Passwords.Hash(user, request.Password!);
        user.LastSignInAt = user.CreatedAt;
        db.Users.Add(user);
        db.Settings.Add(new InstallSetting { Key = SetupDoneKey, Value = user.Id });
        try
        {
            await db.SaveChangesAsync(ct);
        }
        catch (DbUpdateException)
        {
            return Problem(409, ProblemCodes.SetupDone, "This install already has an admin. Sign in instead.");
        }

        await AdoptLocalDataAsync(user.Id, ct);
        logger.LogInformation("First admin {UserId} created.", user.Id);
        return new Result(user);
    }

    public async Task<Result> SignInAsync(CredentialsRequest request, CancellationToken ct)
    {
        if (string.IsNullOrWhiteSpace(request.UserName) || string.IsNullOrEmpty(request.Password) || request.UserName.Length > 256
            || request.Password.Length > Passwords.MaxLength)
        {
            return Problem(401, ProblemCodes.InvalidCredentials, "The user name or password is wrong.");
        }

        var normalized = Passwords.Normalize(request.UserName);
        if (throttle.RetryAfter(normalized) is { } wait)
        {
            return Problem(429, ProblemCodes.LoginThrottled, "Too many failed sign-ins for this user name. Wait, then try again.",
                retryAfterSeconds: ApiProblem.RetryAfter(wait));
        }

        var user = await db.Users.FirstOrDefaultAsync(u => u.NormalizedUserName == normalized, ct);
        if (user is null)
        {
            Passwords.BurnEquivalentTime(request.Password);
            throttle.Failed(normalized);
            return Problem(401, ProblemCodes.InvalidCredentials, "The user name or password is wrong.");
        }

        if (!Passwords.Verify(user, request.Password))
        {
            throttle.Failed(normalized);
            logger.LogInformation("Failed sign-in for user {UserId}.", user.Id);
            return Problem(401, ProblemCodes.InvalidCredentials, "The user name or password is wrong.");
        }

        throttle.Succeeded(normalized);
        // Only someone who knows the password learns that the account is disabled.
        if (user.Disabled)
        {
            return Problem(403, ProblemCodes.AccountDisabled, "This account is disabled. Ask an admin to enable it.");
        }

        user.LastSignInAt = Timestamps.Now(time);
        await db.SaveChangesAsync(ct);
        return new Result(user);
    }

    public async Task<Result> SignUpAsync(CredentialsRequest request, CancellationToken ct)
    {
        if (!await SignUpAllowedAsync(ct))
        {
            return Problem(403, ProblemCodes.SignupDisabled, "Sign-up is closed on this install. Ask an admin for an account.");
        }

        return await CreateAsync(new CreateUserRequest(request.UserName, request.Password, request.DisplayName), ct);
    }

    /// <summary>An admin adds a user, or sign-up does.</summary>
    public async Task<Result> CreateAsync(CreateUserRequest request, CancellationToken ct)
    {
        if (Validate(request.UserName, request.Password) is { } invalid)
        {
            return invalid;
        }

        if (request.Role is not (null or Roles.User or Roles.Admin))
        {
            return Invalid("role", "Use 'user' or 'admin'.");
        }

        var normalized = Passwords.Normalize(request.UserName!);
        if (await db.Users.AnyAsync(u => u.NormalizedUserName == normalized, ct))
        {
            return Problem(409, ProblemCodes.UserNameTaken, "That user name is taken.");
        }

        var user = NewUser(request.UserName!, request.DisplayName, request.Role ?? Roles.User);
        user.PasswordHash = Passwords.Hash(user, request.Password!);
        db.Users.Add(user);
        try
        {
            await db.SaveChangesAsync(ct);
        }
        catch (DbUpdateException)
        {
            return Problem(409, ProblemCodes.UserNameTaken, "That user name is taken.");
        }

        return new Result(user);
    }

    /// <summary>Finds or creates the account linked to an OpenID Connect identity.</summary>
    public async Task<Result> ExternalSignInAsync(ExternalSignInRequest request, CancellationToken ct)
    {
        if (string.IsNullOrWhiteSpace(request.Issuer) || string.IsNullOrWhiteSpace(request.Subject)
            || request.Issuer.Length > 512 || request.Subject.Length > 256)
        {
            return Invalid("subject", "An issuer and a subject are required.");
        }

        var user = await db.Users.FirstOrDefaultAsync(u => u.ExternalIssuer == request.Issuer && u.ExternalSubject == request.Subject, ct);
        if (user is null)
        {
            var first = !await db.Users.AnyAsync(ct);
            if (!first && !settings.Value.Oidc.AutoProvision && !await SignUpAllowedAsync(ct))
            {
                return Problem(403, ProblemCodes.SignupDisabled, "There is no account for you here yet, and sign-up is closed. Ask an admin.");
            }

            user = NewUser(await FreeUserNameAsync(request, ct), request.DisplayName, first ? Roles.Admin : Roles.User);
            user.ExternalIssuer = request.Issuer;
            user.ExternalSubject = request.Subject;
            db.Users.Add(user);
            if (first)
            {
                db.Settings.Add(new InstallSetting { Key = SetupDoneKey, Value = user.Id });
            }

            await db.SaveChangesAsync(ct);
            if (first)
            {
                await AdoptLocalDataAsync(user.Id, ct);
            }
        }

        if (user.Disabled)
        {
            return Problem(403, ProblemCodes.AccountDisabled, "This account is disabled. Ask an admin to enable it.");
        }

        user.LastSignInAt = Timestamps.Now(time);
        await db.SaveChangesAsync(ct);
        return new Result(user);
    }

    public async Task<Result> ChangePasswordAsync(string userId, ChangePasswordRequest request, CancellationToken ct)
    {
        var user = await db.Users.FirstOrDefaultAsync(u => u.Id == userId, ct);
        if (user is null)
        {
            return Problem(404, ProblemCodes.UserNotFound, "There is no such user.");
        }

        if (user.PasswordHash is not null && (request.CurrentPassword is null || !Passwords.Verify(user, request.CurrentPassword)))
        {
            return Invalid("currentPassword", "The current password is wrong.");
        }

        if (Passwords.PasswordError(request.NewPassword) is { } error)
        {
            return Invalid("newPassword", error);
        }

        user.PasswordHash = Passwords.Hash(user, request.NewPassword!);
        user.Stamp = NewStamp();
        await db.SaveChangesAsync(ct);
        return new Result(user);
    }

    public async Task<Result> ResetPasswordAsync(string userId, string? newPassword, CancellationToken ct)
    {
        var user = await db.Users.FirstOrDefaultAsync(u => u.Id == userId, ct);
        if (user is null)
        {
            return Problem(404, ProblemCodes.UserNotFound, "There is no such user.");
        }

        if (Passwords.PasswordError(newPassword) is { } error)
        {
            return Invalid("newPassword", error);
        }

        user.PasswordHash = Passwords.Hash(user, newPassword!);
        user.Stamp = NewStamp();
        var revoked = await RevokeKeysAsync(user.Id, ct);
        await db.SaveChangesAsync(ct);
        logger.LogInformation("Password of user {UserId} reset by an admin; {Keys} API keys revoked.", user.Id, revoked);
        return new Result(user);
    }

    public async Task<Result> UpdateAsync(string actingUserId, string userId, UpdateUserRequest request, CancellationToken ct)
    {
        var user = await db.Users.FirstOrDefaultAsync(u => u.Id == userId, ct);
        if (user is null)
        {
            return Problem(404, ProblemCodes.UserNotFound, "There is no such user.");
        }

        if (request.Role is not (null or Roles.User or Roles.Admin))
        {
            return Invalid("role", "Use 'user' or 'admin'.");
        }

        if (request.DisplayName is { Length: > 100 })
        {
            return Invalid("displayName", "Use at most 100 characters.");
        }

        if (request.Disabled == true && userId == actingUserId)
        {
            return Problem(400, ProblemCodes.CannotDisableSelf, "You cannot disable your own account.");
        }

        var losesAdmin = user.Role == Roles.Admin && !user.Disabled
                         && (request.Disabled == true || request.Role == Roles.User);
        if (losesAdmin && !await db.Users.AnyAsync(u => u.Id != userId && u.Role == Roles.Admin && !u.Disabled, ct))
        {
            return Problem(400, ProblemCodes.LastAdmin, "This is the last enabled admin; make someone else an admin first.");
        }

        if (request.DisplayName is not null)
        {
            user.DisplayName = request.DisplayName.Trim();
        }

        if (request.Role is not null)
        {
            user.Role = request.Role;
        }

        if (request.Disabled is { } disabled && disabled != user.Disabled)
        {
            user.Disabled = disabled;
            // Ends the user's sessions now rather than when their Web cookie expires.
            user.Stamp = NewStamp();
            if (disabled)
            {
                // Revoked, not just refused while disabled: re-enabling gives back the account, not keys that may be
                // the reason it was disabled. The user makes new ones (the old ones are listed as revoked).
                await RevokeKeysAsync(user.Id, ct);
            }
        }

        await db.SaveChangesAsync(ct);
        logger.LogInformation("User {UserId} updated by {ActingUserId}.", user.Id, actingUserId);
        return new Result(user);
    }

    /// <summary>
    /// Marks the user's working keys revoked, saved with the caller's next <c>SaveChangesAsync</c> (one transaction with
    /// the stamp change that ends their sessions).
    /// </summary>
    private async Task<int> RevokeKeysAsync(string userId, CancellationToken ct)
    {
        var now = Timestamps.Now(time);
        var keys = await db.ApiKeys.Where(k => k.UserId == userId && k.RevokedAt == null).ToListAsync(ct);
        foreach (var key in keys)
        {
            key.RevokedAt = now;
        }

        return keys.Count;
    }

    private async Task AdoptLocalDataAsync(string userId, CancellationToken ct)
    {
        var conversations = await db.Conversations.Where(c => c.OwnerId == Owners.Local).ExecuteUpdateAsync(s => s.SetProperty(c => c.OwnerId, userId), ct);
        await db.Images.Where(i => i.OwnerId == Owners.Local).ExecuteUpdateAsync(s => s.SetProperty(i => i.OwnerId, userId), ct);
        if (conversations > 0)
        {
            logger.LogInformation("{Count} single-user conversations now belong to the first admin.", conversations);
        }
    }

    private async Task<string> FreeUserNameAsync(ExternalSignInRequest request, CancellationToken ct)
    {
        var wanted = new[] { request.UserName, request.Email?.Split('@')[0], request.DisplayName }
            .Select(n => new string((n ?? "").Trim().Where(c => char.IsLetterOrDigit(c) || c is '.' or '_' or '-' or '@').Take(48).ToArray()))
            .FirstOrDefault(n => n.Length >= Passwords.MinUserNameLength) ?? "user";
        for (var i = 0; ; i++)
        {
            var candidate = i == 0 ? wanted : $"{wanted}-{i + 1}";
            var normalized = Passwords.Normalize(candidate);
            if (!await db.Users.AnyAsync(u => u.NormalizedUserName == normalized, ct))
            {
                return candidate;
            }
        }
    }

    private UserAccount NewUser(string userName, string? displayName, string role) => new()
    {
        Id = Guid.NewGuid().ToString("N"),
        UserName = userName.Trim(),
        NormalizedUserName = Passwords.Normalize(userName),
        DisplayName = string.IsNullOrWhiteSpace(displayName) ? userName.Trim() : displayName.Trim()[..Math.Min(100, displayName.Trim().Length)],
        Role = role,
        Stamp = NewStamp(),
        CreatedAt = Timestamps.Now(time),
    };

    private static string NewStamp() => Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(16));

    private static Result? Validate(string? userName, string? password)
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

        return errors.Count == 0 ? null : new Result(null, new ApiProblem(400, ProblemCodes.InvalidRequest, "Some fields are not valid.", errors));
    }

    private static Result Invalid(string field, string message) => new(null, ApiProblem.Invalid(field, message));

    private static Result Problem(int status, string code, string detail, int? retryAfterSeconds = null) =>
        new(null, new ApiProblem(status, code, detail, retryAfterSeconds: retryAfterSeconds));

    /// <summary>The account, or the problem to answer with.</summary>
    public sealed record Result(UserAccount? User, ApiProblem? Problem = null)
    {
        /// <summary>The problem as RFC 7807, or <paramref name="ok"/> with the account.</summary>
        public IResult ToResult(HttpContext http, Func<UserAccount, IResult> ok) =>
            Problem is not null ? Problem.ToResult(http) : ok(User ?? throw new InvalidOperationException("A result has an account or a problem."));
    }
}

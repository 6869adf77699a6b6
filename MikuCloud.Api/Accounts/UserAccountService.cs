using Microsoft.EntityFrameworkCore;
using MikuCloud.Api.Data;

namespace MikuCloud.Api.Accounts;

/// <summary>
/// Accounts once they exist: the caller's own profile and password, and the admin's changes (add, update, disable,
/// reset a password). Returns the account or throws the <see cref="ApiProblem"/> to answer with.
/// </summary>
public sealed class UserAccountService(ChatDbContext db, TimeProvider time, ILogger<UserAccountService> logger)
{
    /// <summary>The account, or in single-user mode (no row) the implicit local admin.</summary>
    public async Task<UserDto> ProfileAsync(string userId, CancellationToken ct)
    {
        var user = await db.Users.AsNoTracking().FirstOrDefaultAsync(u => u.Id == userId, ct);
        return user?.ToDto() ?? new UserDto(Owners.Local, Owners.Local, Owners.Local, Roles.Admin, false, DateTime.UnixEpoch, null, false, false);
    }

    /// <summary>Every account, oldest first.</summary>
    public async Task<List<UserDto>> ListAsync(CancellationToken ct) =>
        (await db.Users.AsNoTracking().OrderBy(u => u.CreatedAt).ToListAsync(ct)).Select(u => u.ToDto()).ToList();

    /// <summary>An admin adds a user, or sign-up does.</summary>
    public async Task<UserAccount> CreateAsync(CreateUserRequest request, CancellationToken ct)
    {
        AccountRules.CheckCredentials(request.UserName, request.Password);
        AccountRules.CheckRole(request.Role);
        var normalized = Passwords.Normalize(request.UserName!);
        if (await db.Users.AnyAsync(u => u.NormalizedUserName == normalized, ct))
        {
            throw AccountRules.UserNameTaken();
        }

        var user = AccountRules.NewUser(request.UserName!, request.DisplayName, request.Role ?? Roles.User, Timestamps.Now(time));
        user.PasswordHash = Passwords.Hash(user, request.Password!);
        db.Users.Add(user);
        try
        {
            await db.SaveChangesAsync(ct);
        }
        catch (DbUpdateException)
        {
            throw AccountRules.UserNameTaken();
        }

        return user;
    }

    public async Task<UserAccount> ChangePasswordAsync(string userId, ChangePasswordRequest request, CancellationToken ct)
    {
        var user = await FindAsync(userId, ct);
        if (user.PasswordHash is not null && (request.CurrentPassword is null || !Passwords.Verify(user, request.CurrentPassword)))
        {
            throw ApiProblem.Invalid("currentPassword", "The current password is wrong.");
        }

        if (Passwords.PasswordError(request.NewPassword) is { } error)
        {
            throw ApiProblem.Invalid("newPassword", error);
        }

        user.PasswordHash = Passwords.Hash(user, request.NewPassword!);
        user.Stamp = AccountRules.NewStamp();
        await db.SaveChangesAsync(ct);
        return user;
    }

    public async Task<UserAccount> ResetPasswordAsync(string userId, string? newPassword, CancellationToken ct)
    {
        var user = await FindAsync(userId, ct);
        if (Passwords.PasswordError(newPassword) is { } error)
        {
            throw ApiProblem.Invalid("newPassword", error);
        }

        user.PasswordHash = Passwords.Hash(user, newPassword!);
        user.Stamp = AccountRules.NewStamp();
        var revoked = await RevokeKeysAsync(user.Id, ct);
        await db.SaveChangesAsync(ct);
        logger.LogInformation("Password of user {UserId} reset by an admin; {Keys} API keys revoked.", user.Id, revoked);
        return user;
    }

    public async Task<UserAccount> UpdateAsync(string actingUserId, string userId, UpdateUserRequest request, CancellationToken ct)
    {
        var user = await FindAsync(userId, ct);
        AccountRules.CheckRole(request.Role);
        if (request.DisplayName is { Length: > 100 })
        {
            throw ApiProblem.Invalid("displayName", "Use at most 100 characters.");
        }

        if (request.Disabled == true && userId == actingUserId)
        {
            throw new ApiProblem(400, ProblemCodes.CannotDisableSelf, "You cannot disable your own account.");
        }

        var losesAdmin = user.Role == Roles.Admin && !user.Disabled
                         && (request.Disabled == true || request.Role == Roles.User);
        if (losesAdmin && !await db.Users.AnyAsync(u => u.Id != userId && u.Role == Roles.Admin && !u.Disabled, ct))
        {
            throw new ApiProblem(400, ProblemCodes.LastAdmin, "This is the last enabled admin; make someone else an admin first.");
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
            user.Stamp = AccountRules.NewStamp();
            if (disabled)
            {
                // Revoked, not just refused while disabled: re-enabling gives back the account, not keys that may be
                // the reason it was disabled. The user makes new ones (the old ones are listed as revoked).
                await RevokeKeysAsync(user.Id, ct);
            }
        }

        await db.SaveChangesAsync(ct);
        logger.LogInformation("User {UserId} updated by {ActingUserId}.", user.Id, actingUserId);
        return user;
    }

    private async Task<UserAccount> FindAsync(string userId, CancellationToken ct) =>
        await db.Users.FirstOrDefaultAsync(u => u.Id == userId, ct) ?? throw AccountRules.UserNotFound();

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
}

using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using MikuCloud.Api.Data;

namespace MikuCloud.Api.Accounts;

/// <summary>
/// Getting into an account: the first admin of a fresh install, sign-in with a password, sign-up, and OpenID Connect
/// identities. Returns the account or throws the <see cref="ApiProblem"/> to answer with.
/// </summary>
public sealed class SignInService(ChatDbContext db, LoginThrottle throttle, InstallSettingsService install, UserAccountService users,
    IOptions<ApiAuthOptions> settings, TimeProvider time, ILogger<SignInService> logger)
{
    /// <summary>Inserted with the first admin. Its primary key makes a second concurrent setup fail, even across replicas.</summary>
    private const string SetupDoneKey = "setup_done";

    public async Task<AuthStatusDto> StatusAsync(CancellationToken ct) => new(
        settings.Value.IsSingleUser ? "single-user" : "accounts",
        SetupRequired: !await db.Users.AnyAsync(ct),
        SignUpAllowed: await install.SignUpAllowedAsync(ct));

    /// <summary>
    /// Creates the first admin on a fresh install. Conversations made earlier in single-user mode (owner <c>local</c>)
    /// become the admin's, so switching a laptop install to accounts loses nothing.
    /// </summary>
    public async Task<UserAccount> SetupAsync(CredentialsRequest request, CancellationToken ct)
    {
        AccountRules.CheckCredentials(request.UserName, request.Password);
        if (await db.Users.AnyAsync(ct))
        {
            throw SetupDone();
        }

        var user = AccountRules.NewUser(request.UserName!, request.DisplayName, Roles.Admin, Timestamps.Now(time));
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
            throw SetupDone();
        }

        await AdoptLocalDataAsync(user.Id, ct);
        logger.LogInformation("First admin {UserId} created.", user.Id);
        return user;
    }

    public async Task<UserAccount> SignInAsync(CredentialsRequest request, CancellationToken ct)
    {
        if (string.IsNullOrWhiteSpace(request.UserName) || string.IsNullOrEmpty(request.Password) || request.UserName.Length > 256
            || request.Password.Length > Passwords.MaxLength)
        {
            throw AccountRules.InvalidCredentials();
        }

        var normalized = Passwords.Normalize(request.UserName);
        if (await throttle.RetryAfterAsync(normalized, ct) is { } wait)
        {
            throw new ApiProblem(429, ProblemCodes.LoginThrottled, "Too many failed sign-ins for this user name. Wait, then try again.",
                retryAfterSeconds: ApiProblem.RetryAfter(wait));
        }

        var user = await db.Users.FirstOrDefaultAsync(u => u.NormalizedUserName == normalized, ct);
        if (user is null)
        {
            Passwords.BurnEquivalentTime(request.Password);
            await throttle.FailedAsync(normalized, ct);
            throw AccountRules.InvalidCredentials();
        }

        if (!Passwords.Verify(user, request.Password))
        {
            await throttle.FailedAsync(normalized, ct);
            logger.LogInformation("Failed sign-in for user {UserId}.", user.Id);
            throw AccountRules.InvalidCredentials();
        }

        await throttle.SucceededAsync(normalized, ct);
        // Only someone who knows the password learns that the account is disabled.
        if (user.Disabled)
        {
            throw AccountRules.Disabled();
        }

        user.LastSignInAt = Timestamps.Now(time);
        await db.SaveChangesAsync(ct);
        return user;
    }

    public async Task<UserAccount> SignUpAsync(CredentialsRequest request, CancellationToken ct)
    {
        if (!await install.SignUpAllowedAsync(ct))
        {
            throw new ApiProblem(403, ProblemCodes.SignupDisabled, "Sign-up is closed on this install. Ask an admin for an account.");
        }

        return await users.CreateAsync(new CreateUserRequest(request.UserName, request.Password, request.DisplayName), ct);
    }

    /// <summary>Finds or creates the account linked to an OpenID Connect identity.</summary>
    public async Task<UserAccount> ExternalSignInAsync(ExternalSignInRequest request, CancellationToken ct)
    {
        if (string.IsNullOrWhiteSpace(request.Issuer) || string.IsNullOrWhiteSpace(request.Subject)
            || request.Issuer.Length > 512 || request.Subject.Length > 256)
        {
            throw ApiProblem.Invalid("subject", "An issuer and a subject are required.");
        }

        var user = await db.Users.FirstOrDefaultAsync(u => u.ExternalIssuer == request.Issuer && u.ExternalSubject == request.Subject, ct);
        if (user is null)
        {
            var first = !await db.Users.AnyAsync(ct);
            if (!first && !settings.Value.Oidc.AutoProvision && !await install.SignUpAllowedAsync(ct))
            {
                throw new ApiProblem(403, ProblemCodes.SignupDisabled, "There is no account for you here yet, and sign-up is closed. Ask an admin.");
            }

            user = AccountRules.NewUser(await FreeUserNameAsync(request, ct), request.DisplayName, first ? Roles.Admin : Roles.User, Timestamps.Now(time));
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
            throw AccountRules.Disabled();
        }

        user.LastSignInAt = Timestamps.Now(time);
        await db.SaveChangesAsync(ct);
        return user;
    }

    private static ApiProblem SetupDone() => new(409, ProblemCodes.SetupDone, "This install already has an admin. Sign in instead.");

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
}

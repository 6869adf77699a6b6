using Microsoft.EntityFrameworkCore;
using MikuCloud.Api.Conversations;
using MikuCloud.Api.Data;

namespace MikuCloud.Api.Accounts;

/// <summary>
/// Accounts over HTTP. <c>/api/auth/*</c> is for the Web's service token only (sign-in happens in the Web, which
/// owns the browser session); <c>/api/me</c> and <c>/api/keys</c> are the caller's own; <c>/api/admin/*</c> is for admins.
/// </summary>
public static class AccountEndpoints
{
    public static IEndpointRouteBuilder MapAccountEndpoints(this IEndpointRouteBuilder app)
    {
        ArgumentNullException.ThrowIfNull(app);

        var auth = app.MapGroup("/api/auth").WithTags("Accounts").RequireAuthorization(AuthPolicies.Service);
        auth.MapGet("/status", (AccountService accounts, CancellationToken ct) => accounts.StatusAsync(ct))
            .WithSummary("(Web only) Whether the install needs its first admin, and whether sign-up is open.");
        MapSignIn(auth, "/setup", (a, r, ct) => a.SetupAsync(r, ct),
            "(Web only) Create the first admin of a fresh install; 409 setup_done afterwards.");
        MapSignIn(auth, "/login", (a, r, ct) => a.SignInAsync(r, ct),
            "(Web only) Check a user name and password; 401 invalid_credentials, 403 account_disabled, 429 login_throttled.");
        MapSignIn(auth, "/signup", (a, r, ct) => a.SignUpAsync(r, ct),
            "(Web only) Create an account when an admin has opened sign-up; 403 signup_disabled otherwise.");
        MapSignIn<ExternalSignInRequest>(auth, "/external", (a, r, ct) => a.ExternalSignInAsync(r, ct),
            "(Web only) Find or create the account for an OpenID Connect identity (issuer + subject).");

        var me = app.MapGroup("/api/me").WithTags("Accounts");
        me.MapGet("", async (HttpContext http, ChatDbContext db) =>
            {
                var id = CurrentOwner.Of(http);
                var user = await db.Users.AsNoTracking().FirstOrDefaultAsync(u => u.Id == id, http.RequestAborted);
                return user is null
                    ? Results.Ok(new UserDto(Owners.Local, Owners.Local, Owners.Local, Roles.Admin, false, DateTime.UnixEpoch, null, false, false))
                    : Results.Ok(user.ToDto());
            })
            .WithSummary("The signed-in account (in single-user mode, the implicit local admin).");
        me.MapPost("/password", async (ChangePasswordRequest request, AccountService accounts, HttpContext http) =>
                (await accounts.ChangePasswordAsync(CurrentOwner.Of(http), request, http.RequestAborted))
                .ToResult(http, user => Results.Ok(new StampDto(user.Stamp))))
            .RequireAuthorization(AuthPolicies.Session)
            .WithSummary("Change your password. Ends your other sessions; the answer carries the new session stamp.");

        var keys = app.MapGroup("/api/keys").WithTags("API keys").RequireAuthorization(AuthPolicies.Session);
        keys.MapGet("", async (HttpContext http, ChatDbContext db) =>
            {
                var owner = CurrentOwner.Of(http);
                var list = await db.ApiKeys.AsNoTracking().Where(k => k.UserId == owner).OrderByDescending(k => k.CreatedAt).ToListAsync(http.RequestAborted);
                return list.Select(k => k.ToDto()).ToList();
            })
            .WithSummary("Your personal API keys (never the keys themselves).");
        keys.MapPost("", async (CreateApiKeyRequest request, HttpContext http, ApiKeyService service, ChatDbContext db, TimeProvider time) =>
            {
                var name = request.Name?.Trim() ?? "";
                if (name.Length is 0 or > 100)
                {
                    return ApiProblem.Invalid("name", "Give the key a name (1–100 characters).").ToResult(http);
                }

                if (request.ExpiresInDays is < 1 or > ApiKeyLifetime.MaxDays)
                {
                    return ApiProblem.Invalid("expiresInDays", $"A key expires after 1–{ApiKeyLifetime.MaxDays} days, or never (leave it out).").ToResult(http);
                }

                var owner = CurrentOwner.Of(http);
                if (await db.ApiKeys.Where(k => k.UserId == owner).CountAsync(ApiKey.ActiveAt(Timestamps.Now(time)), http.RequestAborted) >= MaxActiveKeys)
                {
                    return new ApiProblem(409, ProblemCodes.TooManyKeys, $"You have {MaxActiveKeys} active keys; revoke one first.").ToResult(http);
                }

                var (key, secret) = await service.CreateAsync(owner, name, request.ExpiresInDays, http.RequestAborted);
                return Results.Created($"/api/keys/{key.Id}",
                    new CreatedApiKey(key.Id, key.Name, key.Prefix, key.CreatedAt, key.LastUsedAt, key.RevokedAt, key.ExpiresAt, secret));
            })
            .WithSummary("Create a personal API key for scripts, optionally expiring after expiresInDays. The key is in this answer only; " +
                         "send it as 'Authorization: Bearer mkc_…'.");
        keys.MapDelete("/{id:guid}", async (Guid id, HttpContext http, ChatDbContext db, TimeProvider time) =>
            {
                var owner = CurrentOwner.Of(http);
                var now = Timestamps.Now(time);
                var changed = await db.ApiKeys.Where(k => k.Id == id && k.UserId == owner && k.RevokedAt == null)
                    .ExecuteUpdateAsync(s => s.SetProperty(k => k.RevokedAt, now), http.RequestAborted);
                // Revoking twice is fine; someone else's key id is as unknown as a made-up one.
                return changed > 0 || await db.ApiKeys.AnyAsync(k => k.Id == id && k.UserId == owner, http.RequestAborted)
                    ? Results.NoContent()
                    : new ApiProblem(404, ProblemCodes.ApiKeyNotFound, "There is no such API key.").ToResult(http);
            })
            .WithSummary("Revoke one of your API keys; it stops working at once.");

        return app;
    }

    /// <summary>Active keys per user: enough for every script, few enough that a leaked session cannot mint thousands.</summary>
    public const int MaxActiveKeys = 20;

    /// <summary>A sign-in style endpoint: the request in, the account and its session stamp out.</summary>
    private static void MapSignIn<TRequest>(RouteGroupBuilder group, string path,
        Func<AccountService, TRequest, CancellationToken, Task<AccountService.Result>> handle, string summary) =>
        group.MapPost(path, async (TRequest request, AccountService accounts, HttpContext http) =>
                (await handle(accounts, request, http.RequestAborted)).ToResult(http, user => Results.Ok(new SignedInUser(user.ToDto(), user.Stamp))))
            .WithSummary(summary);

    private static void MapSignIn(RouteGroupBuilder group, string path,
        Func<AccountService, CredentialsRequest, CancellationToken, Task<AccountService.Result>> handle, string summary) =>
        MapSignIn<CredentialsRequest>(group, path, handle, summary);
}

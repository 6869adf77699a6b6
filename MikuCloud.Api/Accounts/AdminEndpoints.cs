using Microsoft.EntityFrameworkCore;
using MikuCloud.Api.Conversations;
using MikuCloud.Api.Data;

namespace MikuCloud.Api.Accounts;

/// <summary>User management for admins: list, add, disable/enable, change role, reset password, open sign-up.</summary>
public static class AdminEndpoints
{
    public static IEndpointRouteBuilder MapAdminEndpoints(this IEndpointRouteBuilder app)
    {
        ArgumentNullException.ThrowIfNull(app);
        var admin = app.MapGroup("/api/admin").WithTags("Admin").RequireAuthorization(AuthPolicies.Admin);

        admin.MapGet("/users", async (ChatDbContext db, CancellationToken ct) =>
                (await db.Users.AsNoTracking().OrderBy(u => u.CreatedAt).ToListAsync(ct)).Select(u => u.ToDto()).ToList())
            .WithSummary("Every account, oldest first.");
        admin.MapPost("/users", async (CreateUserRequest request, AccountService accounts, HttpContext http) =>
                (await accounts.CreateAsync(request, http.RequestAborted))
                .ToResult(http, user => Results.Created($"/api/admin/users/{user.Id}", user.ToDto())))
            .WithSummary("Add a user with an initial password (role 'user' unless 'admin' is given).");
        admin.MapPatch("/users/{id}", async (string id, UpdateUserRequest request, AccountService accounts, HttpContext http) =>
                (await accounts.UpdateAsync(CurrentOwner.Of(http), id, request, http.RequestAborted))
                .ToResult(http, user => Results.Ok(user.ToDto())))
            .WithSummary("Change a user's display name, role or disabled flag. Disabling ends their sessions and API keys at once.");
        admin.MapPost("/users/{id}/password", async (string id, ResetPasswordRequest request, AccountService accounts, HttpContext http) =>
                (await accounts.ResetPasswordAsync(id, request.NewPassword, http.RequestAborted))
                .ToResult(http, _ => Results.NoContent()))
            .WithSummary("Set a new password for a user; their sessions end and their API keys are revoked.");
        admin.MapGet("/settings", async (AccountService accounts, CancellationToken ct) => new AuthSettingsDto(await accounts.SignUpAllowedAsync(ct)))
            .WithSummary("Install-wide account settings.");
        admin.MapPut("/settings", async (AuthSettingsDto request, AccountService accounts, CancellationToken ct) =>
            {
                await accounts.SetSignUpAllowedAsync(request.SignUpAllowed, ct);
                return new AuthSettingsDto(request.SignUpAllowed);
            })
            .WithSummary("Open or close sign-up.");
        return app;
    }
}

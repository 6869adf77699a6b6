using Microsoft.AspNetCore.Http.HttpResults;
using MikuCloud.Api.Conversations;
using MikuCloud.Api.OpenAi.ImageUrls;

namespace MikuCloud.Api.Accounts;

/// <summary>User management for admins: list, add, disable/enable, change role, reset password; install settings (sign-up, image URL fetching).</summary>
public static class AdminEndpoints
{
    public static IEndpointRouteBuilder MapAdminEndpoints(this IEndpointRouteBuilder app)
    {
        ArgumentNullException.ThrowIfNull(app);
        var admin = app.MapGroup("/api/admin").WithTags("Admin").RequireAuthorization(AuthPolicies.Admin);

        admin.MapGet("/users", ListUsersAsync)
            .WithSummary("Every account, oldest first.");
        admin.MapPost("/users", CreateUserAsync)
            .WithSummary("Add a user with an initial password (role 'user' unless 'admin' is given).");
        admin.MapPatch("/users/{id}", UpdateUserAsync)
            .WithSummary("Change a user's display name, role or disabled flag. Disabling ends their sessions and API keys at once.");
        admin.MapPost("/users/{id}/password", ResetPasswordAsync)
            .WithSummary("Set a new password for a user; their sessions end and their API keys are revoked.");
        admin.MapGet("/settings", GetSettingsAsync)
            .WithSummary("Install-wide settings: sign-up, and whether /v1 fetches http(s) image URLs.");
        admin.MapPut("/settings", PutSettingsAsync)
            .WithSummary("Open or close sign-up; turn image URL fetching for /v1 on or off (left as it is when omitted).");
        return app;
    }

    private static async Task<Ok<List<UserDto>>> ListUsersAsync(UserAccountService users, CancellationToken ct) =>
        TypedResults.Ok(await users.ListAsync(ct));

    private static async Task<Created<UserDto>> CreateUserAsync(CreateUserRequest request, UserAccountService users, CancellationToken ct)
    {
        var user = await users.CreateAsync(request, ct);
        return TypedResults.Created($"/api/admin/users/{user.Id}", user.ToDto());
    }

    private static async Task<Ok<UserDto>> UpdateUserAsync(string id, UpdateUserRequest request, HttpContext http, UserAccountService users, CancellationToken ct) =>
        TypedResults.Ok((await users.UpdateAsync(CurrentOwner.Of(http), id, request, ct)).ToDto());

    private static async Task<NoContent> ResetPasswordAsync(string id, ResetPasswordRequest request, UserAccountService users, CancellationToken ct)
    {
        await users.ResetPasswordAsync(id, request.NewPassword, ct);
        return TypedResults.NoContent();
    }

    private static async Task<Ok<AuthSettingsDto>> GetSettingsAsync(InstallSettingsService install, ImageUrlFetchingSwitch fetching, CancellationToken ct) =>
        TypedResults.Ok(new AuthSettingsDto(await install.SignUpAllowedAsync(ct), await fetching.IsOnAsync(ct)));

    private static async Task<Ok<AuthSettingsDto>> PutSettingsAsync(AuthSettingsDto request, InstallSettingsService install, ImageUrlFetchingSwitch fetching, CancellationToken ct)
    {
        await install.SetSignUpAllowedAsync(request.SignUpAllowed, ct);
        if (request.ImageUrlFetching is { } enabled)
        {
            await install.SetImageUrlFetchingAsync(enabled, ct);
        }

        return TypedResults.Ok(new AuthSettingsDto(request.SignUpAllowed, await fetching.IsOnAsync(ct)));
    }
}

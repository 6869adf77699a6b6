using Microsoft.AspNetCore.Http.HttpResults;
using MikuCloud.Api.Conversations;

namespace MikuCloud.Api.Accounts;

/// <summary>
/// Accounts over HTTP, the API's side. <c>/api/auth/*</c> is for the Web's service token only (sign-in happens in the
/// Web, which owns the browser session); <c>/api/me</c> is the caller's own account; its keys are
/// <see cref="ApiKeyEndpoints"/>, the admin's pages <see cref="AdminEndpoints"/>. Refusals are thrown as
/// <see cref="ApiProblem"/> by the services and answered by <see cref="ApiProblemHandler"/>.
/// </summary>
public static class AccountApiEndpoints
{
    public static IEndpointRouteBuilder MapAccountApiEndpoints(this IEndpointRouteBuilder app)
    {
        ArgumentNullException.ThrowIfNull(app);

        var auth = app.MapGroup("/api/auth").WithTags("Accounts").RequireAuthorization(AuthPolicies.Service);
        auth.MapGet("/status", GetStatusAsync)
            .WithSummary("(Web only) Whether the install needs its first admin, and whether sign-up is open.");
        auth.MapPost("/setup", SetupAsync)
            .WithSummary("(Web only) Create the first admin of a fresh install; 409 setup_done afterwards.");
        auth.MapPost("/login", SignInAsync)
            .WithSummary("(Web only) Check a user name and password; 401 invalid_credentials, 403 account_disabled, 429 login_throttled.");
        auth.MapPost("/signup", SignUpAsync)
            .WithSummary("(Web only) Create an account when an admin has opened sign-up; 403 signup_disabled otherwise.");
        auth.MapPost("/external", ExternalSignInAsync)
            .WithSummary("(Web only) Find or create the account for an OpenID Connect identity (issuer + subject).");

        var me = app.MapGroup("/api/me").WithTags("Accounts");
        me.MapGet("", GetMeAsync)
            .WithSummary("The signed-in account (in single-user mode, the implicit local admin).");
        me.MapPost("/password", ChangePasswordAsync)
            .RequireAuthorization(AuthPolicies.Session)
            .WithSummary("Change your password. Ends your other sessions; the answer carries the new session stamp.");

        app.MapApiKeyEndpoints();
        return app;
    }

    private static async Task<Ok<AuthStatusDto>> GetStatusAsync(SignInService signIn, CancellationToken ct) =>
        TypedResults.Ok(await signIn.StatusAsync(ct));

    private static async Task<Ok<SignedInUser>> SetupAsync(CredentialsRequest request, SignInService signIn, CancellationToken ct) =>
        SignedIn(await signIn.SetupAsync(request, ct));

    private static async Task<Ok<SignedInUser>> SignInAsync(CredentialsRequest request, SignInService signIn, CancellationToken ct) =>
        SignedIn(await signIn.SignInAsync(request, ct));

    private static async Task<Ok<SignedInUser>> SignUpAsync(CredentialsRequest request, SignInService signIn, CancellationToken ct) =>
        SignedIn(await signIn.SignUpAsync(request, ct));

    private static async Task<Ok<SignedInUser>> ExternalSignInAsync(ExternalSignInRequest request, SignInService signIn, CancellationToken ct) =>
        SignedIn(await signIn.ExternalSignInAsync(request, ct));

    private static async Task<Ok<UserDto>> GetMeAsync(HttpContext http, UserAccountService users, CancellationToken ct) =>
        TypedResults.Ok(await users.ProfileAsync(CurrentOwner.Of(http), ct));

    private static async Task<Ok<StampDto>> ChangePasswordAsync(ChangePasswordRequest request, HttpContext http, UserAccountService users, CancellationToken ct) =>
        TypedResults.Ok(new StampDto((await users.ChangePasswordAsync(CurrentOwner.Of(http), request, ct)).Stamp));

    /// <summary>A sign-in's answer: the account and its session stamp.</summary>
    private static Ok<SignedInUser> SignedIn(UserAccount user) => TypedResults.Ok(new SignedInUser(user.ToDto(), user.Stamp));
}

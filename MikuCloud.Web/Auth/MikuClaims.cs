using System.Security.Claims;

namespace MikuCloud.Web.Auth;

/// <summary>
/// What the sign-in cookie holds: the MikuCloud user's id, name, role and session stamp — enough to mint an API token
/// without asking the API on every request. Short claim names (the JWT ones) keep the cookie small.
/// </summary>
public static class MikuClaims
{
    public const string UserId = "sub";
    public const string Name = "name";
    public const string DisplayName = "display_name";
    public const string Role = "role";
    public const string Stamp = "stamp";

    /// <summary>The built-in user of SingleUser mode.</summary>
    public const string LocalUser = "local";

    /// <summary>The principal for a signed-in MikuCloud user.</summary>
    public static ClaimsPrincipal Create(SignedInUser signedIn, string authenticationType)
    {
        ArgumentNullException.ThrowIfNull(signedIn);
        var user = signedIn.User;
        List<Claim> claims =
        [
            new(UserId, user.Id),
            new(Name, user.UserName),
            new(Role, user.Role),
            new(Stamp, signedIn.Stamp),
        ];
        if (!string.IsNullOrWhiteSpace(user.DisplayName))
        {
            claims.Add(new Claim(DisplayName, user.DisplayName));
        }

        return new ClaimsPrincipal(new ClaimsIdentity(claims, authenticationType, Name, Role));
    }

    /// <summary>The principal every request gets in SingleUser mode.</summary>
    public static ClaimsPrincipal CreateLocal(string authenticationType) =>
        new(new ClaimsIdentity([new Claim(UserId, LocalUser), new Claim(Name, LocalUser), new Claim(Role, Roles.Admin)], authenticationType, Name, Role));

    /// <summary>The same user with a new session stamp (after a password change).</summary>
    public static ClaimsPrincipal WithStamp(ClaimsPrincipal principal, string stamp)
    {
        ArgumentNullException.ThrowIfNull(principal);
        var identity = principal.Identities.First();
        var claims = identity.Claims.Where(c => c.Type != Stamp).Append(new Claim(Stamp, stamp));
        return new ClaimsPrincipal(new ClaimsIdentity(claims, identity.AuthenticationType, Name, Role));
    }

    public static string? GetUserId(this ClaimsPrincipal principal) =>
        principal.Identity?.IsAuthenticated == true ? principal.FindFirst(UserId)?.Value : null;

    public static string? GetStamp(this ClaimsPrincipal principal) => principal.FindFirst(Stamp)?.Value;

    public static string GetShownName(this ClaimsPrincipal principal) =>
        principal.FindFirst(DisplayName)?.Value ?? principal.FindFirst(Name)?.Value ?? "";

    public static bool IsAdmin(this ClaimsPrincipal principal) => principal.HasClaim(Role, Roles.Admin);
}

using MikuCloud.Api.Accounts;

namespace MikuCloud.Api.Conversations;

/// <summary>
/// Whose data a request may see: the authenticated user's id (<c>local</c> in single-user mode). Every conversation,
/// message, image, export and stream query filters by it, so another user's id answers exactly like an unknown one.
/// </summary>
public static class CurrentOwner
{
    public static string Of(HttpContext http)
    {
        ArgumentNullException.ThrowIfNull(http);
        return Of(http.User);
    }

    /// <summary>The same from the user alone, for doors that are handed the principal (MCP tools).</summary>
    public static string Of(System.Security.Claims.ClaimsPrincipal user)
    {
        ArgumentNullException.ThrowIfNull(user);
        // The fallback authorization policy guarantees a user; a missing id is a wiring bug, never "everyone's data".
        return user.FindFirst(MikuClaims.UserId)?.Value is { Length: > 0 } id && !user.HasClaim(MikuClaims.Method, MikuClaims.Methods.Service)
            ? id
            : throw new InvalidOperationException("No authenticated user on this request.");
    }
}

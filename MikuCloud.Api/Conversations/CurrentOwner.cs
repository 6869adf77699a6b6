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
        // The fallback authorization policy guarantees a user; a missing id is a wiring bug, never "everyone's data".
        return http.User.FindFirst(MikuClaims.UserId)?.Value is { Length: > 0 } id && !IsService(http)
            ? id
            : throw new InvalidOperationException("No authenticated user on this request.");
    }

    private static bool IsService(HttpContext http) => http.User.HasClaim(MikuClaims.Method, MikuClaims.Methods.Service);
}

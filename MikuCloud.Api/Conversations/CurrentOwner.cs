using MikuCloud.Api.Data;

namespace MikuCloud.Api.Conversations;

/// <summary>
/// Whose data a request may see. The one place multi-user plugs in (e.g. the authenticated user's id from
/// <see cref="HttpContext.User"/>); every conversation, message and image query filters by it.
/// </summary>
public static class CurrentOwner
{
    public static string Of(HttpContext http)
    {
        ArgumentNullException.ThrowIfNull(http);
        return Owners.Local;
    }
}

using System.Collections.Concurrent;

namespace MikuCloud.Web.Auth;

/// <summary>
/// Sessions the API has declared over (it answered 401 <c>session_expired</c> / <c>account_disabled</c> to a user
/// token). The cookie handler rejects a cookie carrying such a session on its next request, so the browser lands on
/// the sign-in page instead of retrying forever. In memory per replica: another replica learns the same thing from the
/// API on its first call with that cookie. Keyed by the cookie's issue time too, so signing in again afterwards (with the
/// same stamp, e.g. after an account is re-enabled) works.
/// </summary>
public sealed class EndedSessions(TimeProvider time)
{
    private const int MaxEntries = 50_000;

    private readonly ConcurrentDictionary<string, (string Stamp, DateTimeOffset At)> ended = new(StringComparer.Ordinal);

    public void End(string userId, string stamp)
    {
        if (ended.Count >= MaxEntries)
        {
            var cutoff = time.GetUtcNow() - WebAuthSetup.CookieLifetime;
            foreach (var (key, value) in ended)
            {
                if (value.At < cutoff)
                {
                    ended.TryRemove(key, out _);
                }
            }
        }

        ended[userId] = (stamp, time.GetUtcNow());
    }

    /// <summary>True when a cookie for <paramref name="userId"/> with <paramref name="stamp"/>, issued at <paramref name="issuedUtc"/>, is over.</summary>
    public bool IsEnded(string userId, string? stamp, DateTimeOffset? issuedUtc) =>
        ended.TryGetValue(userId, out var entry) && entry.Stamp == stamp && (issuedUtc is null || issuedUtc <= entry.At);
}

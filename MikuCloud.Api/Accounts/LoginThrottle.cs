using Microsoft.Extensions.Options;
using MikuCloud.Api.Limits;

namespace MikuCloud.Api.Accounts;

/// <summary>
/// Slows password guessing: after <see cref="ApiAuthOptions.MaxFailedSignIns"/> failures for one user name within
/// the window, sign-in for that name answers 429 until the oldest failure ages out. Per user name rather than per
/// address because every sign-in arrives from the Web's address. Counted in <see cref="IUsageWindows"/>: this process,
/// or every API process sharing one Redis (a guesser spreading tries over API pods gets no more of them).
/// </summary>
public sealed class LoginThrottle(IOptions<ApiAuthOptions> settings, IUsageWindows windows)
{
    /// <summary>How long until this user name may try again; null when it may try now.</summary>
    public ValueTask<TimeSpan?> RetryAfterAsync(string normalizedUserName, CancellationToken cancellationToken = default) =>
        windows.WaitAsync(Key(normalizedUserName), settings.Value.MaxFailedSignIns, settings.Value.FailedSignInWindow, cancellationToken);

    public ValueTask FailedAsync(string normalizedUserName, CancellationToken cancellationToken = default) =>
        windows.AddAsync(Key(normalizedUserName), 1, settings.Value.FailedSignInWindow, cancellationToken);

    public ValueTask SucceededAsync(string normalizedUserName, CancellationToken cancellationToken = default) =>
        windows.ClearAsync(Key(normalizedUserName), cancellationToken);

    private static string Key(string normalizedUserName) => $"signin:{normalizedUserName}";
}

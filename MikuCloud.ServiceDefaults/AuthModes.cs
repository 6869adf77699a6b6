namespace Microsoft.Extensions.Hosting;

/// <summary>Reads <c>Auth:Mode</c> the same way in the API and the Web, so both apps always agree on the mode.</summary>
public static class AuthModes
{
    /// <summary>The configuration key (environment <c>Auth__Mode</c>, set by the AppHost from <c>Parameters:auth-mode</c>).</summary>
    public const string ConfigurationKey = "Auth:Mode";

    /// <summary>
    /// <c>Accounts</c> (also when unset) or <c>SingleUser</c> / <c>single-user</c>, any case; anything else throws
    /// <see cref="InvalidOperationException"/> with a one-line reason, so a typo stops the start instead of
    /// silently choosing a mode.
    /// </summary>
    public static AuthMode Parse(string? text) =>
        string.IsNullOrWhiteSpace(text) || text.Trim().Equals("Accounts", StringComparison.OrdinalIgnoreCase) ? AuthMode.Accounts
        : text.Trim().Equals("SingleUser", StringComparison.OrdinalIgnoreCase) || text.Trim().Equals("single-user", StringComparison.OrdinalIgnoreCase) ? AuthMode.SingleUser
        : throw new InvalidOperationException($"{ConfigurationKey} must be 'Accounts' or 'SingleUser', not '{text}'.");
}

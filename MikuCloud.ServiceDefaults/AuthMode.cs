namespace Microsoft.Extensions.Hosting;

/// <summary>How people sign in to this MikuCloud (<c>Auth:Mode</c>), one setting for the API and the Web.</summary>
public enum AuthMode
{
    /// <summary>Local accounts (and OpenID Connect when configured), kept by the API; every API call carries a Web
    /// session token or a personal API key. The default.</summary>
    Accounts,

    /// <summary>
    /// No sign-in: everyone is the built-in admin <c>local</c>, for <c>dotnet run</c> on a laptop. Only allowed when
    /// the apps listen on loopback addresses, and the API only honours loopback callers.
    /// </summary>
    SingleUser,
}

namespace MikuCloud.Api.Accounts;

/// <summary>The API's part of <c>Auth:Oidc</c> (the Web holds the provider settings).</summary>
public sealed class ApiOidcOptions
{
    /// <summary>Whether a first OpenID Connect sign-in creates an account even when sign-up is off (the provider decides who may sign in).</summary>
    public bool AutoProvision { get; set; }
}

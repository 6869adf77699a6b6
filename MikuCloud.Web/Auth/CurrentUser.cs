using System.Security.Claims;
using Microsoft.AspNetCore.Components.Authorization;
using Microsoft.AspNetCore.Components.Server.Circuits;

namespace MikuCloud.Web.Auth;

/// <summary>
/// Who the Web is acting for, in the current DI scope. A scope is either one HTTP request (pages rendered on the server,
/// the <c>/uploads</c>, <c>/images</c> and <c>/export</c> endpoints: the user is <see cref="HttpContext.User"/>) or one
/// Blazor circuit (interactive pages: there is no meaningful HttpContext, so <see cref="UserCircuitHandler"/> copies
/// the circuit's authentication state in). Services that call the API on a user's behalf ask this, never the
/// HttpClient's handlers: those live in the HttpClientFactory's own scopes and would see nobody.
/// </summary>
public sealed class CurrentUser(IHttpContextAccessor accessor, WebAuthOptions settings)
{
    private ClaimsPrincipal? circuitUser;

    /// <summary>True inside a Blazor circuit.</summary>
    public bool InCircuit { get; private set; }

    /// <summary>The signed-in principal, or null/anonymous.</summary>
    public ClaimsPrincipal? Principal => InCircuit ? circuitUser : accessor.HttpContext?.User;

    /// <summary>The MikuCloud user id (<c>local</c> in SingleUser mode), or null when nobody is signed in.</summary>
    public string? UserId => settings.IsSingleUser ? MikuClaims.LocalUser : Principal?.GetUserId();

    /// <summary>
    /// Raised when the API refused this user's token because the session ended (password changed or reset, account
    /// disabled). <see cref="Components.Account.SessionGuard"/> listens and sends the browser to the sign-in page.
    /// The argument is the API's problem code (<c>session_expired</c> or <c>account_disabled</c>).
    /// </summary>
    public event Action<string>? SessionEnded;

    /// <summary>Makes this scope act for <paramref name="principal"/> (circuits; component tests).</summary>
    public void UseCircuitUser(ClaimsPrincipal principal)
    {
        circuitUser = principal;
        InCircuit = true;
    }

    internal void RaiseSessionEnded(string code) => SessionEnded?.Invoke(code);
}

/// <summary>
/// Copies a circuit's user into <see cref="CurrentUser"/> before any component of the circuit runs (Microsoft's
/// documented pattern for "the user in a service"), and again when the authentication state changes.
/// </summary>
internal sealed class UserCircuitHandler(AuthenticationStateProvider authentication, CurrentUser user) : CircuitHandler, IDisposable
{
    public override async Task OnCircuitOpenedAsync(Circuit circuit, CancellationToken cancellationToken)
    {
        authentication.AuthenticationStateChanged += Changed;
        user.UseCircuitUser((await authentication.GetAuthenticationStateAsync()).User);
    }

    private void Changed(Task<AuthenticationState> state) => _ = UpdateAsync(state);

    private async Task UpdateAsync(Task<AuthenticationState> state)
    {
        try
        {
            user.UseCircuitUser((await state).User);
        }
        catch (InvalidOperationException)
        {
            // The state could not be computed: keep the previous user; the API still checks every call.
        }
    }

    public void Dispose() => authentication.AuthenticationStateChanged -= Changed;
}

using System.Net;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authentication.OpenIdConnect;
using MikuCloud.Web.Api;

namespace MikuCloud.Web.Auth;

/// <summary>
/// Turns a provider's sign-in into a MikuCloud user before the cookie is written: the API finds the account linked to
/// the provider's issuer and subject, or creates one (the first user ever becomes admin; later ones only when sign-up
/// is allowed or auto-provisioning is on). The cookie then holds the MikuCloud user, never the provider's tokens.
/// </summary>
public static class OidcSignIn
{
    public static async Task LinkToMikuUserAsync(TokenValidatedContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        var external = context.Principal;
        var subject = external?.FindFirst("sub")?.Value;
        var issuer = external?.FindFirst("iss")?.Value ?? context.SecurityToken?.Issuer;
        if (string.IsNullOrEmpty(subject) || string.IsNullOrEmpty(issuer))
        {
            Refuse(context, "external_failed");
            return;
        }

        var auth = context.HttpContext.RequestServices.GetRequiredService<MikuAuthClient>();
        try
        {
            var signedIn = await auth.ExternalAsync(new ExternalSignInRequest(issuer, subject,
                external!.FindFirst("preferred_username")?.Value, external.FindFirst("name")?.Value, external.FindFirst("email")?.Value),
                context.HttpContext.RequestAborted);
            context.Principal = MikuClaims.Create(signedIn, WebAuthSetup.CookieScheme);
            context.Properties!.IsPersistent = true;
        }
        catch (ApiException ex) when (ex.Status is HttpStatusCode.Forbidden or HttpStatusCode.Conflict or HttpStatusCode.BadRequest)
        {
            Refuse(context, ex.Problem?.Code ?? "external_refused");
        }
        catch (Exception ex) when (ex is ApiException or HttpRequestException or TaskCanceledException)
        {
            context.HttpContext.RequestServices.GetRequiredService<ILoggerFactory>().CreateLogger(typeof(OidcSignIn))
                .LogWarning("Linking an OpenID Connect sign-in failed: {Error}", ex.GetType().Name);
            Refuse(context, "unavailable");
        }
    }

    /// <summary>The provider said no, or the callback was malformed/replayed: back to the sign-in page with a reason.</summary>
    public static Task RemoteFailureAsync(RemoteFailureContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        context.Response.Redirect("/login?error=external_failed");
        context.HandleResponse();
        return Task.CompletedTask;
    }

    private static void Refuse(TokenValidatedContext context, string code)
    {
        context.HandleResponse();
        context.Response.Redirect("/login?error=" + Uri.EscapeDataString(code));
    }
}

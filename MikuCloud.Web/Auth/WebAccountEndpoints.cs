using Microsoft.AspNetCore.Antiforgery;
using Microsoft.AspNetCore.Authentication;

namespace MikuCloud.Web.Auth;

/// <summary>The plain-HTTP parts of signing in and out (the forms are Razor pages under <c>Components/Account</c>).</summary>
public static class WebAccountEndpoints
{
    public static IEndpointRouteBuilder MapWebAccountEndpoints(this IEndpointRouteBuilder app)
    {
        ArgumentNullException.ThrowIfNull(app);

        // A form POST with an antiforgery token (the user menu): a cross-site page cannot sign the user out.
        app.MapPost("/logout", async (HttpContext ctx, IAntiforgery antiforgery, WebAuthOptions settings) =>
        {
            try
            {
                await antiforgery.ValidateRequestAsync(ctx);
            }
            catch (AntiforgeryValidationException)
            {
                return Results.BadRequest();
            }

            if (!settings.IsSingleUser)
            {
                await ctx.SignOutAsync(WebAuthSetup.CookieScheme);
            }

            return Results.LocalRedirect(settings.IsSingleUser ? "/" : "/login?signedOut=1");
        }).AllowAnonymous();

        // "Sign in with …" is a link, not a form: the redirect to the provider is then a navigation, which the CSP's
        // form-action 'self' does not govern. The correlation cookie and state protect the round trip.
        app.MapGet("/login/external", (string? returnUrl, WebAuthOptions settings) =>
            settings.Oidc is null
                ? Results.NotFound()
                : Results.Challenge(new AuthenticationProperties { RedirectUri = LocalUrl.OrRoot(returnUrl), IsPersistent = true },
                    [OidcSettings.Scheme])).AllowAnonymous();
        return app;
    }
}

/// <summary>Keeps redirects on this site: a <c>returnUrl</c> that is not a local path becomes <c>/</c> (no open redirect).</summary>
public static class LocalUrl
{
    public static bool IsLocal(string? url) =>
        !string.IsNullOrEmpty(url) && url[0] == '/'
        && (url.Length == 1 || (url[1] != '/' && url[1] != '\\'))
        && !url.Contains('\r', StringComparison.Ordinal) && !url.Contains('\n', StringComparison.Ordinal);

    public static string OrRoot(string? url) => IsLocal(url) ? url! : "/";
}

namespace MikuCloud.Web;

/// <summary>The response headers every page and endpoint of the Web carries: CSP, no sniffing, no framing, no caching of forms.</summary>
public static class SecurityHeaders
{
    /// <summary>Pages whose answers must never be stored by a browser or a proxy (forms, one-time API keys).</summary>
    private static readonly string[] NoStorePaths = ["/login", "/setup", "/signup", "/account", "/admin", "/forbidden", "/logout"];

    /// <summary>
    /// Content-Security-Policy and friends. The CSP is the last line against script in model output: even if markdown
    /// sanitising ever let a handler through, inline scripts, event-handler attributes and <c>javascript:</c> URLs do not
    /// run under <c>script-src 'self'</c> (no <c>'unsafe-inline'</c>, no <c>'unsafe-eval'</c>). Styles allow inline
    /// attributes (Blazor and the grounding boxes position with them). <c>form-action 'self'</c> holds with OpenID
    /// Connect too: "Sign in with …" is a link, and the provider redirects back with a GET.
    /// </summary>
    public static IApplicationBuilder UseMikuSecurityHeaders(this WebApplication app)
    {
        ArgumentNullException.ThrowIfNull(app);
        var dev = app.Environment.IsDevelopment();
        var csp = "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' blob: data:; font-src 'self' data:; "
                  + "connect-src 'self'" + (dev ? " ws://localhost:* wss://localhost:* http://localhost:*" : "")
                  + "; object-src 'none'; base-uri 'self'; form-action 'self'; frame-ancestors 'none'";
        return app.Use((ctx, next) =>
        {
            ctx.Response.OnStarting(() =>
            {
                var headers = ctx.Response.Headers;
                headers.ContentSecurityPolicy = csp;
                headers.XContentTypeOptions = "nosniff";
                headers["Referrer-Policy"] = "no-referrer";
                // Clickjacking: frame-ancestors for current browsers, X-Frame-Options for old ones.
                headers.XFrameOptions = "DENY";
                // Nothing here needs the camera, microphone or location (images come from files, not the camera API).
                headers["Permissions-Policy"] = "camera=(), microphone=(), geolocation=(), payment=(), usb=(), serial=(), hid=(), midi=(), "
                                                + "magnetometer=(), gyroscope=(), accelerometer=(), display-capture=()";
                // No other window keeps a handle on ours (window.opener), and no other site may embed our responses.
                headers["Cross-Origin-Opener-Policy"] = "same-origin";
                headers["Cross-Origin-Resource-Policy"] = "same-origin";
                if (NoStorePaths.Any(p => ctx.Request.Path.StartsWithSegments(p, StringComparison.OrdinalIgnoreCase)))
                {
                    headers.CacheControl = "no-store";
                    headers.Pragma = "no-cache";
                }

                return Task.CompletedTask;
            });
            return next(ctx);
        });
    }
}

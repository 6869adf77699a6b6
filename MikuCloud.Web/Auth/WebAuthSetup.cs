using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authentication.Cookies;
using Microsoft.AspNetCore.Authentication.OpenIdConnect;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Components.Server.Circuits;
using Microsoft.AspNetCore.HttpOverrides;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.IdentityModel.Protocols.OpenIdConnect;

namespace MikuCloud.Web.Auth;

/// <summary>
/// Sign-in for the Web: a cookie holding the MikuCloud user (id, name, role, session stamp), local accounts and
/// OpenID Connect checked by the API, and a fallback policy that makes every page and endpoint require a signed-in user
/// unless it says otherwise (the sign-in pages, static files, probes and the language switch do).
/// </summary>
public static class WebAuthSetup
{
    /// <summary>Sliding lifetime of the sign-in cookie.</summary>
    public static readonly TimeSpan CookieLifetime = TimeSpan.FromDays(7);

    public const string CookieScheme = CookieAuthenticationDefaults.AuthenticationScheme;

    /// <summary>The sign-in cookie's name (<c>__Host-miku.auth</c> over HTTPS, see <see cref="HostPrefixCookieManager"/>).</summary>
    public const string CookieName = "miku.auth";

    /// <summary>Paths that fetch, not navigate: an anonymous request gets 401, not a redirect to an HTML page.</summary>
    private static readonly string[] NonPagePaths = ["/uploads", "/images", "/export", "/_blazor"];

    public static WebApplicationBuilder AddMikuAuth(this WebApplicationBuilder builder)
    {
        ArgumentNullException.ThrowIfNull(builder);
        WebAuthOptions settings;
        try
        {
            settings = WebAuthOptions.FromConfiguration(builder.Configuration);
        }
        catch (InvalidOperationException invalid)
        {
            // A setting the Web cannot start with: one line and exit code 1 (StartupRefusal), not a stack trace.
            throw new StartupRefusedException(invalid.Message, invalid);
        }

        var services = builder.Services;
        services.AddSingleton(settings);
        services.TryAddSingleton(TimeProvider.System);
        services.AddSingleton<ApiTokenIssuer>();
        services.AddSingleton<EndedSessions>();
        services.AddSingleton<ServiceApiCredentials>();
        services.AddScoped<UserApiCredentials>();
        services.AddScoped<CurrentUser>();
        services.AddScoped<CircuitHandler, UserCircuitHandler>();
        services.AddHttpContextAccessor();
        services.AddCascadingAuthenticationState();

        // TLS usually ends at the ingress: honour X-Forwarded-Proto so the app sees HTTPS (Secure and __Host- cookies,
        // OIDC redirect URIs). Only a proxy on loopback is trusted here; in Kubernetes ASPNETCORE_FORWARDEDHEADERS_ENABLED=true
        // (set in deploy/k8s) trusts the ingress, which the NetworkPolicy makes the only way in.
        services.Configure<ForwardedHeadersOptions>(o => o.ForwardedHeaders = ForwardedHeaders.XForwardedFor | ForwardedHeaders.XForwardedProto);

        services.AddAntiforgery(o =>
        {
            o.Cookie.Name = "miku.af";
            o.Cookie.SecurePolicy = CookieSecurePolicy.SameAsRequest;
        });

        services.AddAuthorizationBuilder()
            .SetFallbackPolicy(new AuthorizationPolicyBuilder().RequireAuthenticatedUser().Build())
            .AddPolicy(Policies.Admin, p => p.RequireAuthenticatedUser().RequireClaim(MikuClaims.Role, Roles.Admin));

        if (settings.IsSingleUser)
        {
            services.AddAuthentication(SingleUserAuthenticationHandler.SchemeName)
                .AddScheme<AuthenticationSchemeOptions, SingleUserAuthenticationHandler>(SingleUserAuthenticationHandler.SchemeName, null);
            services.AddLoopbackOnlyGuard("Auth:Mode=SingleUser lets anyone who can connect act as the admin");
            return builder;
        }

        var authentication = services.AddAuthentication(CookieScheme).AddCookie(CookieScheme, o =>
        {
            o.Cookie.Name = CookieName;
            o.Cookie.HttpOnly = true;
            o.Cookie.SameSite = SameSiteMode.Lax;
            o.Cookie.SecurePolicy = CookieSecurePolicy.SameAsRequest;
            o.Cookie.Path = "/";
            o.CookieManager = new HostPrefixCookieManager();
            o.ExpireTimeSpan = CookieLifetime;
            o.SlidingExpiration = true;
            o.LoginPath = "/login";
            o.LogoutPath = "/logout";
            o.AccessDeniedPath = "/forbidden";
            o.ReturnUrlParameter = "returnUrl";
            o.Events.OnValidatePrincipal = RejectEndedSessionAsync;
            o.Events.OnRedirectToLogin = ctx => RedirectOrStatus(ctx, StatusCodes.Status401Unauthorized);
            o.Events.OnRedirectToAccessDenied = ctx => RedirectOrStatus(ctx, StatusCodes.Status403Forbidden);
        });

        if (settings.Oidc is { } oidc)
        {
            authentication.AddOpenIdConnect(OidcSettings.Scheme, oidc.DisplayName, o => ConfigureOidc(o, oidc));
        }

        return builder;
    }

    /// <summary>Forwarded headers first, then authentication and authorization (before antiforgery).</summary>
    public static WebApplication UseMikuAuth(this WebApplication app)
    {
        ArgumentNullException.ThrowIfNull(app);
        app.UseAuthentication();
        app.UseAuthorization();
        return app;
    }

    private static async Task RejectEndedSessionAsync(CookieValidatePrincipalContext context)
    {
        var ended = context.HttpContext.RequestServices.GetRequiredService<EndedSessions>();
        if (context.Principal?.GetUserId() is { } id && ended.IsEnded(id, context.Principal.GetStamp(), context.Properties.IssuedUtc))
        {
            context.RejectPrincipal();
            await context.HttpContext.SignOutAsync(CookieScheme);
        }
    }

    private static Task RedirectOrStatus(RedirectContext<CookieAuthenticationOptions> context, int status)
    {
        var path = context.Request.Path;
        if (NonPagePaths.Any(p => path.StartsWithSegments(p, StringComparison.OrdinalIgnoreCase)))
        {
            context.Response.StatusCode = status;
        }
        else
        {
            context.Response.Redirect(context.RedirectUri);
        }

        return Task.CompletedTask;
    }

    private static void ConfigureOidc(OpenIdConnectOptions o, OidcSettings oidc)
    {
        o.Authority = oidc.Authority.ToString();
        o.ClientId = oidc.ClientId;
        o.ClientSecret = oidc.ClientSecret;
        o.RequireHttpsMetadata = oidc.RequireHttpsMetadata;
        o.SignInScheme = CookieScheme;
        o.CallbackPath = "/signin-oidc";
        // Authorization code with PKCE. The provider answers with a plain redirect (query), not a cross-site form POST:
        // the SameSite=Lax correlation cookie comes back with a top-level GET, and no form-action exception is needed.
        o.ResponseType = OpenIdConnectResponseType.Code;
        o.ResponseMode = OpenIdConnectResponseMode.Query;
        o.UsePkce = true;
        // Claims as the provider names them (sub, preferred_username…), not mapped to long WS-* URIs.
        o.MapInboundClaims = false;
        // The provider's tokens are not needed after sign-in; keeping them would bloat the cookie with secrets.
        o.SaveTokens = false;
        o.GetClaimsFromUserInfoEndpoint = false;
        o.DisableTelemetry = true;
        o.Scope.Clear();
        o.Scope.Add("openid");
        foreach (var scope in oidc.Scopes)
        {
            o.Scope.Add(scope);
        }

        foreach (var cookie in new[] { o.CorrelationCookie, o.NonceCookie })
        {
            cookie.SameSite = SameSiteMode.Lax;
            cookie.SecurePolicy = CookieSecurePolicy.SameAsRequest;
        }

        o.Events.OnTokenValidated = OidcSignIn.LinkToMikuUserAsync;
        o.Events.OnRemoteFailure = OidcSignIn.RemoteFailureAsync;
    }
}

/// <summary>Authorization policy names.</summary>
public static class Policies
{
    public const string Admin = "admin";
}

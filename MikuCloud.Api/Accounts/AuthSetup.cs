using System.Net;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.Options;

namespace MikuCloud.Api.Accounts;

/// <summary>Registers authentication (one scheme), the policies, and the single-user loopback guard.</summary>
public static class AuthSetup
{
    public static IHostApplicationBuilder AddAccounts(this IHostApplicationBuilder builder)
    {
        ArgumentNullException.ThrowIfNull(builder);
        var services = builder.Services;
        services.AddOptions<AuthSettings>().BindConfiguration(AuthSettings.SectionName)
            .Validate(s => s.Mode == AuthMode.SingleUser || s.TokenKeyBytes() is not null,
                "Auth:ApiTokenKey must be base64 of at least 32 random bytes in Accounts mode (the Web signs user tokens with it). " +
                "The AppHost generates one; elsewhere set it from a secret store.")
            .ValidateOnStart();
        services.AddSingleton<LoginThrottle>();
        services.AddSingleton<TokenValidation>();
        services.AddScoped<AccountService>();
        services.AddScoped<ApiKeyService>();

        services.AddAuthentication(MikuAuthenticationHandler.SchemeName)
            .AddScheme<Microsoft.AspNetCore.Authentication.AuthenticationSchemeOptions, MikuAuthenticationHandler>(MikuAuthenticationHandler.SchemeName, null);

        services.AddAuthorizationBuilder()
            .AddPolicy(AuthPolicies.User, p => p.RequireClaim(MikuClaims.Method,
                MikuClaims.Methods.Session, MikuClaims.Methods.ApiKey, MikuClaims.Methods.SingleUser))
            .AddPolicy(AuthPolicies.Session, p => p.RequireClaim(MikuClaims.Method, MikuClaims.Methods.Session, MikuClaims.Methods.SingleUser))
            .AddPolicy(AuthPolicies.Admin, p => p
                .RequireClaim(MikuClaims.Method, MikuClaims.Methods.Session, MikuClaims.Methods.ApiKey, MikuClaims.Methods.SingleUser)
                .RequireRole(MikuClaims.Roles.Admin))
            .AddPolicy(AuthPolicies.Service, p => p.RequireClaim(MikuClaims.Method, MikuClaims.Methods.Service))
            // Safe by default: an endpoint nobody thought about still needs a user. Public ones opt out explicitly.
            .SetFallbackPolicy(new AuthorizationPolicyBuilder(MikuAuthenticationHandler.SchemeName)
                .RequireClaim(MikuClaims.Method, MikuClaims.Methods.Session, MikuClaims.Methods.ApiKey, MikuClaims.Methods.SingleUser)
                .Build());
        return builder;
    }

    /// <summary>
    /// Single-user mode trusts every caller, so it must not be reachable from the network: once Kestrel has bound,
    /// a non-loopback address stops the API with one clear line (per-request checks then refuse non-loopback callers
    /// as a second line).
    /// </summary>
    public static void GuardSingleUserBinding(this WebApplication app)
    {
        ArgumentNullException.ThrowIfNull(app);
        if (app.Services.GetRequiredService<IOptions<AuthSettings>>().Value.Mode != AuthMode.SingleUser)
        {
            return;
        }

        app.Lifetime.ApplicationStarted.Register(() =>
        {
            var addresses = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()?.Addresses ?? [];
            var exposed = addresses.Where(a => !IsLoopbackAddress(a)).ToList();
            if (exposed.Count > 0)
            {
                app.Logger.LogCritical("Auth:Mode=SingleUser lets anyone in, so it only runs on loopback; this API listens on {Addresses}. " +
                    "Bind to 127.0.0.1/localhost or use Auth:Mode=Accounts.", string.Join(", ", exposed));
                Environment.ExitCode = 1;
                app.Lifetime.StopApplication();
            }
        });
    }

    /// <summary>Whether a Kestrel address (<c>http://host:port</c>, with <c>+</c>/<c>*</c> wildcards) is loopback-only.</summary>
    public static bool IsLoopbackAddress(string address)
    {
        if (!Uri.TryCreate(address.Replace("://+", "://0.0.0.0", StringComparison.Ordinal).Replace("://*", "://0.0.0.0", StringComparison.Ordinal),
                UriKind.Absolute, out var uri))
        {
            return false;
        }

        return uri.IsLoopback || (IPAddress.TryParse(uri.Host.Trim('[', ']'), out var ip) && IPAddress.IsLoopback(ip));
    }
}

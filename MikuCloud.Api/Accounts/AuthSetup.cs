using Microsoft.AspNetCore.Authorization;

namespace MikuCloud.Api.Accounts;

/// <summary>Registers authentication (one scheme), the policies, and the single-user loopback guard.</summary>
public static class AuthSetup
{
    public static IHostApplicationBuilder AddAccounts(this IHostApplicationBuilder builder)
    {
        ArgumentNullException.ThrowIfNull(builder);
        var services = builder.Services;
        var mode = AuthModes.Parse(builder.Configuration[AuthModes.ConfigurationKey]);
        services.AddOptions<ApiAuthOptions>().BindConfiguration(ApiAuthOptions.SectionName)
            .Validate(s => s.IsSingleUser || s.TokenKeyBytes() is not null,
                "Auth:ApiTokenKey must be base64 of at least 32 random bytes in Accounts mode (the Web signs user tokens with it). " +
                "The AppHost generates one; elsewhere set it from a secret store.")
            .ValidateOnStart();
        if (mode == AuthMode.SingleUser)
        {
            // Single-user mode trusts every caller, so it must not be reachable from the network (the authentication
            // handler also refuses non-loopback callers, as a second line).
            services.AddLoopbackOnlyGuard("Auth:Mode=SingleUser lets anyone who can reach the API act as its user");
        }

        services.AddSingleton<LoginThrottle>();
        services.AddSingleton<TokenValidation>();
        services.AddScoped<InstallSettingsService>();
        services.AddScoped<SignInService>();
        services.AddScoped<UserAccountService>();
        services.AddScoped<ApiKeyService>();

        services.AddAuthentication(MikuAuthenticationHandler.SchemeName)
            .AddScheme<Microsoft.AspNetCore.Authentication.AuthenticationSchemeOptions, MikuAuthenticationHandler>(MikuAuthenticationHandler.SchemeName, null);

        services.AddAuthorizationBuilder()
            .AddPolicy(AuthPolicies.User, p => p.RequireClaim(MikuClaims.Method,
                MikuClaims.Methods.Session, MikuClaims.Methods.ApiKey, MikuClaims.Methods.SingleUser))
            .AddPolicy(AuthPolicies.Session, p => p.RequireClaim(MikuClaims.Method, MikuClaims.Methods.Session, MikuClaims.Methods.SingleUser))
            .AddPolicy(AuthPolicies.Admin, p => p
                .RequireClaim(MikuClaims.Method, MikuClaims.Methods.Session, MikuClaims.Methods.ApiKey, MikuClaims.Methods.SingleUser)
                .RequireRole(Roles.Admin))
            .AddPolicy(AuthPolicies.Service, p => p.RequireClaim(MikuClaims.Method, MikuClaims.Methods.Service))
            // Safe by default: an endpoint nobody thought about still needs a user. Public ones opt out explicitly.
            .SetFallbackPolicy(new AuthorizationPolicyBuilder(MikuAuthenticationHandler.SchemeName)
                .RequireClaim(MikuClaims.Method, MikuClaims.Methods.Session, MikuClaims.Methods.ApiKey, MikuClaims.Methods.SingleUser)
                .Build());
        return builder;
    }
}

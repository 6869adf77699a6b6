namespace MikuCloud.AppHost;

/// <summary>The two settings the API and the Web must agree on: the auth mode and the key the Web signs user tokens with.</summary>
public sealed record MikuCloudAuth(IResourceBuilder<ParameterResource> Mode, IResourceBuilder<ParameterResource> TokenKey);

/// <summary>Wires accounts (the default) or the explicit single-user mode into the API and the Web.</summary>
public static class MikuCloudAuthExtensions
{
    /// <summary><c>Accounts</c>: sign-in, per-user data. <c>SingleUser</c>: no sign-in, loopback only (a laptop).</summary>
    public const string DefaultMode = "Accounts";

    /// <summary>
    /// <c>Parameters:auth-mode</c> (default <c>Accounts</c>) and <c>Parameters:api-token-key</c>, a secret generated per
    /// run unless set: 64 letters and digits, which is also valid base64 (48 bytes). A new key per run only
    /// invalidates tokens that live two minutes; browser sessions are cookies and survive.
    /// </summary>
    public static MikuCloudAuth AddMikuCloudAuth(this IDistributedApplicationBuilder builder)
    {
        ArgumentNullException.ThrowIfNull(builder);
        // AddParameter(name, value) is a fixed value, so the configured one is looked up first (as the Ollama knobs do).
        var configured = builder.Configuration["Parameters:auth-mode"];
        var mode = builder.AddParameter("auth-mode", string.IsNullOrWhiteSpace(configured) ? DefaultMode : configured.Trim(), publishValueAsDefault: true);
        var key = builder.AddParameter("api-token-key",
            new GenerateParameterDefault { MinLength = 64, Lower = true, Upper = true, Numeric = true, Special = false },
            secret: true, persist: false);
        return new MikuCloudAuth(mode, key);
    }

    public static IResourceBuilder<ProjectResource> WithMikuCloudAuth(this IResourceBuilder<ProjectResource> project, MikuCloudAuth auth)
    {
        ArgumentNullException.ThrowIfNull(project);
        ArgumentNullException.ThrowIfNull(auth);
        return project
            .WithEnvironment("Auth__Mode", auth.Mode)
            .WithEnvironment("Auth__ApiTokenKey", auth.TokenKey);
    }
}

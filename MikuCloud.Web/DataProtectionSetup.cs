using Microsoft.AspNetCore.DataProtection;

namespace MikuCloud.Web;

/// <summary>
/// Shared Data Protection keys, so two or more Web replicas accept each other's antiforgery tokens and Blazor
/// circuit state. Off unless <c>DataProtection:KeysPath</c> is set (one process needs nothing: ASP.NET Core's
/// default per-machine key ring works). In Kubernetes the path is a read-only Secret volume holding a key ring
/// made by <c>deploy/k8s/scripts/new-dataprotection-key.sh</c>: the replicas read it and never write, so no
/// replica needs a database or a writable shared volume.
/// </summary>
public static class DataProtectionSetup
{
    /// <summary>Application name the keys are isolated by; the same on every replica.</summary>
    public const string ApplicationName = "MikuCloud.Web";

    public static IHostApplicationBuilder AddSharedDataProtection(this IHostApplicationBuilder builder)
    {
        ArgumentNullException.ThrowIfNull(builder);
        var keysPath = builder.Configuration["DataProtection:KeysPath"];
        if (string.IsNullOrWhiteSpace(keysPath))
        {
            return builder;
        }

        builder.Services.AddDataProtection()
            .SetApplicationName(ApplicationName)
            .PersistKeysToFileSystem(new DirectoryInfo(keysPath))
            // The key ring is provisioned (and rotated) by the operator; replicas must not each mint their own.
            .DisableAutomaticKeyGeneration();
        return builder;
    }
}

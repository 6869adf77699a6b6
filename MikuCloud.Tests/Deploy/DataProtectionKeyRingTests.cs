using Microsoft.AspNetCore.DataProtection;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using MikuCloud.Web;

namespace MikuCloud.Tests.Deploy;

/// <summary>
/// The Web's shared key ring: a key from deploy/k8s/scripts/new-dataprotection-key.sh, read (never written) by two
/// independent "replicas" configured as the Web configures itself, protects on one and unprotects on the other.
/// </summary>
public sealed class DataProtectionKeyRingTests : IDisposable
{
    private readonly string keys = Directory.CreateTempSubdirectory("mikucloud-dp-").FullName;

    [Fact]
    public void A_generated_key_ring_is_shared_by_replicas_that_never_write_it()
    {
        if (OperatingSystem.IsWindows() || !File.Exists("/bin/bash"))
        {
            Assert.Skip("the key script is a bash script");
        }

        var (exit, stdout, stderr) = Kustomize.Run("/bin/bash", [Repo.PathOf("deploy", "k8s", "scripts", "new-dataprotection-key.sh"), keys]);
        Assert.True(exit == 0, stderr);
        Assert.Equal(Path.Combine(keys, Path.GetFileName(stdout.Trim())), stdout.Trim());
        var before = Snapshot();

        var first = Replica(keys).CreateProtector("antiforgery");
        var second = Replica(keys).CreateProtector("antiforgery");
        var token = first.Protect("花开了 🌸");

        Assert.Equal("花开了 🌸", second.Unprotect(token));
        Assert.Equal(before, Snapshot());
        // A different application name cannot read it: keys are isolated per app.
        Assert.ThrowsAny<System.Security.Cryptography.CryptographicException>(() =>
            DataProtectionProvider.Create(new DirectoryInfo(keys), b => b.SetApplicationName("someone-else").DisableAutomaticKeyGeneration()).CreateProtector("antiforgery").Unprotect(token));
    }

    [Fact]
    public void Without_a_provisioned_key_a_replica_fails_instead_of_minting_its_own()
    {
        var replica = Replica(keys).CreateProtector("antiforgery");

        var error = Assert.ThrowsAny<System.Security.Cryptography.CryptographicException>(() => replica.Protect("x"));
        Assert.IsType<InvalidOperationException>(error.InnerException);
        Assert.Empty(Directory.GetFiles(keys));
    }

    [Fact]
    public void Without_a_keys_path_the_Web_keeps_the_ASP_NET_Core_defaults()
    {
        var builder = Host.CreateEmptyApplicationBuilder(new HostApplicationBuilderSettings());

        builder.AddSharedDataProtection();

        Assert.DoesNotContain(builder.Services, s => s.ServiceType == typeof(IDataProtectionProvider));
    }

    public void Dispose() => Directory.Delete(keys, recursive: true);

    private static IDataProtectionProvider Replica(string path)
    {
        var builder = Host.CreateEmptyApplicationBuilder(new HostApplicationBuilderSettings());
        builder.Configuration["DataProtection:KeysPath"] = path;
        builder.AddSharedDataProtection();
        return builder.Services.BuildServiceProvider().GetRequiredService<IDataProtectionProvider>();
    }

    private string Snapshot() => string.Join('\n', Directory.GetFiles(keys).Order(StringComparer.Ordinal).Select(f => f + ":" + File.GetLastWriteTimeUtc(f).Ticks + ":" + new FileInfo(f).Length));
}

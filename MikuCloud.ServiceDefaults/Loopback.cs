using System.Net;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.DependencyInjection;

namespace Microsoft.Extensions.Hosting;

/// <summary>
/// "Is this only reachable from this machine?" — for hosts, Kestrel addresses and callers. One answer for the API and
/// the Web: their single-user modes trust every caller, and the Web's OpenID Connect allows plain HTTP only on loopback.
/// </summary>
public static class Loopback
{
    /// <summary><c>localhost</c>, 127.0.0.0/8 or ::1 (brackets allowed).</summary>
    public static bool IsLoopbackHost(string host)
    {
        ArgumentNullException.ThrowIfNull(host);
        return host.Equals("localhost", StringComparison.OrdinalIgnoreCase)
               || (IPAddress.TryParse(host.Trim('[', ']'), out var ip) && IPAddress.IsLoopback(ip));
    }

    /// <summary>
    /// A Kestrel address (<c>http://localhost:5390</c>, <c>http://[::1]:0</c>) that listens on loopback only; wildcards
    /// (<c>+</c>, <c>*</c>, <c>0.0.0.0</c>, <c>[::]</c>) and other hosts are not.
    /// </summary>
    public static bool IsLoopbackAddress(string address)
    {
        ArgumentNullException.ThrowIfNull(address);
        var scheme = address.IndexOf("://", StringComparison.Ordinal);
        var rest = scheme >= 0 ? address[(scheme + 3)..] : address;
        string host;
        if (rest.StartsWith('['))
        {
            var end = rest.IndexOf(']', StringComparison.Ordinal);
            host = end > 0 ? rest[1..end] : rest;
        }
        else
        {
            var end = rest.IndexOfAny([':', '/']);
            host = end >= 0 ? rest[..end] : rest;
        }

        return IsLoopbackHost(host);
    }

    /// <summary>A caller's address: 127.0.0.0/8, ::1 or an IPv4-mapped loopback; null (in-process test servers) counts.</summary>
    public static bool IsLoopback(IPAddress? address) =>
        address is null || IPAddress.IsLoopback(address) || (address.IsIPv4MappedToIPv6 && IPAddress.IsLoopback(address.MapToIPv4()));

    /// <summary>
    /// Fails the start with <see cref="LoopbackRequiredException"/> when Kestrel has bound any non-loopback address
    /// (<see cref="StartupRefusal.RunOrExplain"/> turns it into one line and exit code 1). <paramref name="reason"/> says why this app
    /// must stay on loopback.
    /// </summary>
    public static IServiceCollection AddLoopbackOnlyGuard(this IServiceCollection services, string reason)
    {
        ArgumentNullException.ThrowIfNull(services);
        return services.AddHostedService(sp => new LoopbackOnlyGuard(sp.GetRequiredService<IServer>(), reason));
    }
}

/// <summary>See <see cref="Loopback.AddLoopbackOnlyGuard"/>. Checks once the server has started, when its addresses are known.</summary>
public sealed class LoopbackOnlyGuard(IServer server, string reason) : IHostedLifecycleService
{
    public Task StartedAsync(CancellationToken cancellationToken)
    {
        var exposed = (server.Features.Get<IServerAddressesFeature>()?.Addresses ?? []).Where(a => !Loopback.IsLoopbackAddress(a)).ToList();
        return exposed.Count == 0
            ? Task.CompletedTask
            : throw new LoopbackRequiredException(
                $"{reason}, so it only runs on loopback; it listens on {string.Join(", ", exposed)}. Bind to 127.0.0.1/localhost instead.");
    }

    public Task StartingAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StartAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StoppingAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StoppedAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}

/// <summary>A loopback-only app was bound to a network address: a setup problem, reported as one line.</summary>
public sealed class LoopbackRequiredException(string message) : StartupRefusedException(message);

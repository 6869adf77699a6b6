using System.Net;
using System.Text.Encodings.Web;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.Options;

namespace MikuCloud.Web.Auth;

/// <summary>SingleUser mode: every request is the built-in admin <c>local</c>; there is nothing to sign in to.</summary>
public sealed class SingleUserAuthenticationHandler(IOptionsMonitor<AuthenticationSchemeOptions> options, ILoggerFactory logger, UrlEncoder encoder)
    : AuthenticationHandler<AuthenticationSchemeOptions>(options, logger, encoder)
{
    public const string SchemeName = "SingleUser";

    protected override Task<AuthenticateResult> HandleAuthenticateAsync() =>
        Task.FromResult(AuthenticateResult.Success(new AuthenticationTicket(MikuClaims.CreateLocal(SchemeName), SchemeName)));
}

/// <summary>
/// SingleUser mode lets anyone who can reach the Web act as the admin, so it must only be reachable from this machine:
/// once the server has bound its addresses, any that is not loopback stops the app with one clear line.
/// </summary>
public sealed class LoopbackOnlyGuard(IServer server, ILogger<LoopbackOnlyGuard> log) : IHostedLifecycleService
{
    public Task StartedAsync(CancellationToken cancellationToken)
    {
        var addresses = server.Features.Get<IServerAddressesFeature>()?.Addresses ?? [];
        var exposed = addresses.Where(a => !IsLoopback(a)).ToList();
        if (exposed.Count > 0)
        {
            var message = $"Auth:Mode=SingleUser lets anyone who can connect act as the admin, so it only listens on loopback; this Web is bound to {string.Join(", ", exposed)}. Use Auth:Mode=Accounts, or bind to localhost / 127.0.0.1.";
            log.LogCritical("{Message}", message);
            throw new InvalidOperationException(message);
        }

        return Task.CompletedTask;
    }

    /// <summary>True for <c>http://localhost:5390</c>, <c>http://127.0.0.1:0</c>, <c>http://[::1]:80</c>; false for wildcards and other hosts.</summary>
    public static bool IsLoopback(string address)
    {
        ArgumentNullException.ThrowIfNull(address);
        var rest = address.Contains("://", StringComparison.Ordinal) ? address[(address.IndexOf("://", StringComparison.Ordinal) + 3)..] : address;
        string host;
        if (rest.StartsWith('['))
        {
            var end = rest.IndexOf(']', StringComparison.Ordinal);
            host = end > 0 ? rest[1..end] : rest;
        }
        else
        {
            var colon = rest.IndexOfAny([':', '/']);
            host = colon >= 0 ? rest[..colon] : rest;
        }

        return host.Equals("localhost", StringComparison.OrdinalIgnoreCase)
               || (IPAddress.TryParse(host, out var ip) && IPAddress.IsLoopback(ip));
    }

    public Task StartAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StartingAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StoppingAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StoppedAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}

using System.Diagnostics;
using System.Net;
using System.Net.Sockets;

namespace MikuCloud.Tests.Reliability;

/// <summary>
/// A PostgreSQL server of a test's own (loopback, temp dir, trust auth) that the test may stop and start again —
/// the shared CI server must not be stopped under other tests. Uses Debian's binaries; runs as the postgres user when root.
/// </summary>
public sealed class PrivatePostgres : IAsyncDisposable
{
    private readonly string bin;
    private readonly string dir = Directory.CreateTempSubdirectory("mikucloud-pg-private").FullName;
    private readonly bool root = Environment.UserName == "root";

    private PrivatePostgres(string bin, int port)
    {
        this.bin = bin;
        Port = port;
    }

    public int Port { get; }

    public string ConnectionString => $"Host=127.0.0.1;Port={Port};Username=mikucloud;Database=postgres;Timeout=3;Command Timeout=5";

    /// <summary>The server, or <c>null</c> (with the reason) where PostgreSQL is not installed.</summary>
    public static async Task<(PrivatePostgres? Server, string? Missing)> StartAsync()
    {
        var bin = Directory.Exists("/usr/lib/postgresql")
            ? Directory.GetDirectories("/usr/lib/postgresql").Select(d => Path.Combine(d, "bin")).Where(d => File.Exists(Path.Combine(d, "initdb"))).Order().LastOrDefault()
            : null;
        if (bin is null)
        {
            return (null, "PostgreSQL server binaries are not installed (apt-get install postgresql; .ci/run does).");
        }

        var server = new PrivatePostgres(bin, FreePort());
        if (server.root)
        {
            await RunAsync("chown", "postgres:", server.dir);
        }

        await server.PgAsync("initdb", "-D", Path.Combine(server.dir, "data"), "-U", "mikucloud", "-A", "trust", "-E", "UTF8", "--locale=C.UTF-8", "--no-sync", "--no-instructions");
        await server.StartAgainAsync();
        return (server, null);
    }

    public Task StartAgainAsync() =>
        PgAsync("pg_ctl", "-D", Path.Combine(dir, "data"), "-l", Path.Combine(dir, "server.log"), "-w", "-t", "30",
            "-o", $"-c listen_addresses=127.0.0.1 -p {Port} -k {dir}", "start"); // durable defaults: this server is stopped abruptly on purpose

    /// <summary>Stops the server at once, as a crash or an outage would.</summary>
    public Task StopAsync() => PgAsync("pg_ctl", "-D", Path.Combine(dir, "data"), "-m", "immediate", "-w", "stop");

    public async ValueTask DisposeAsync()
    {
        try
        {
            await StopAsync();
        }
        catch (InvalidOperationException)
        {
            // already stopped
        }

        Directory.Delete(dir, recursive: true);
    }

    private Task PgAsync(string tool, params string[] args) =>
        root ? RunAsync("runuser", ["-u", "postgres", "--", Path.Combine(bin, tool), .. args]) : RunAsync(Path.Combine(bin, tool), args);

    private static async Task RunAsync(string file, params string[] args)
    {
        var start = new ProcessStartInfo(file, args) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        using var process = Process.Start(start)!;
        var stderr = process.StandardError.ReadToEndAsync();
        var stdout = process.StandardOutput.ReadToEndAsync();
        await process.WaitForExitAsync();
        if (process.ExitCode != 0)
        {
            throw new InvalidOperationException($"{Path.GetFileName(file)} {string.Join(' ', args)} failed ({process.ExitCode}): {await stderr}{await stdout}");
        }
    }

    private static int FreePort()
    {
        using var socket = new TcpListener(IPAddress.Loopback, 0);
        socket.Start();
        return ((IPEndPoint)socket.LocalEndpoint).Port;
    }
}

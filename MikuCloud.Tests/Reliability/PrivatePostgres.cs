using System.Diagnostics;
using MikuCloud.Testing;

namespace MikuCloud.Tests.Reliability;

/// <summary>
/// A PostgreSQL server of the tests' own (loopback, temp dir, trust auth) from Debian's binaries; runs as the postgres
/// user when root. The reliability tests start one each and stop it under the API on purpose; the provider tests share
/// one (<see cref="StartThrowaway"/>) when no server is named by <c>MIKUCLOUD_TEST_POSTGRES</c>.
/// </summary>
public sealed class PrivatePostgres : IAsyncDisposable
{
    /// <summary>Why no server can be started here, for the tests' skip message.</summary>
    public const string NotInstalled = "PostgreSQL server binaries are not installed (apt-get install postgresql; ./test.sh does).";

    private readonly string bin;
    private readonly string dir = Directory.CreateTempSubdirectory("mikucloud-pg-private").FullName;
    private readonly bool root = Environment.UserName == "root";
    private readonly bool throwaway;

    private PrivatePostgres(string bin, int port, bool throwaway = false)
    {
        this.bin = bin;
        this.throwaway = throwaway;
        Port = port;
    }

    public int Port { get; }

    /// <summary>
    /// Short timeouts on the servers stopped on purpose (a test waits for the outage, not for a default 30 s); the
    /// shared throwaway server keeps Npgsql's defaults, as a busy CI machine needs.
    /// </summary>
    public string ConnectionString => throwaway
        ? $"Host=127.0.0.1;Port={Port};Username=mikucloud;Database=postgres"
        : $"Host=127.0.0.1;Port={Port};Username=mikucloud;Database=postgres;Timeout=3;Command Timeout=5";

    /// <summary>The newest installed server's <c>bin</c> folder (Debian layout), or null.</summary>
    public static string? FindBinaries() =>
        Directory.Exists("/usr/lib/postgresql")
            ? Directory.GetDirectories("/usr/lib/postgresql").Select(d => Path.Combine(d, "bin")).Where(d => File.Exists(Path.Combine(d, "initdb"))).Order().LastOrDefault()
            : null;

    /// <summary>The server, or <c>null</c> (with the reason) where PostgreSQL is not installed.</summary>
    public static async Task<(PrivatePostgres? Server, string? Missing)> StartAsync()
    {
        if (FindBinaries() is not { } bin)
        {
            return (null, NotInstalled);
        }

        var server = new PrivatePostgres(bin, LoopbackPort.Free());
        await Task.Run(() => server.Create(durable: true));
        return (server, null);
    }

    /// <summary>
    /// A server for the provider tests, started synchronously (their availability is a plain property) and stopped
    /// when the test process exits. Durability is off: fsync and full-page writes buy nothing in a throwaway cluster.
    /// </summary>
    public static PrivatePostgres? StartThrowaway()
    {
        if (FindBinaries() is not { } bin)
        {
            return null;
        }

        var server = new PrivatePostgres(bin, LoopbackPort.Free(), throwaway: true);
        server.Create(durable: false);
        AppDomain.CurrentDomain.ProcessExit += (_, _) => server.DisposeAsync().AsTask().GetAwaiter().GetResult();
        return server;
    }

    public Task StartAgainAsync() => Task.Run(() => Start(durable: true)); // durable: these servers are stopped abruptly on purpose

    /// <summary>Stops the server at once, as a crash or an outage would.</summary>
    public Task StopAsync() => Task.Run(Stop);

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

    private void Create(bool durable)
    {
        if (root)
        {
            Run("chown", "postgres:", dir);
        }

        Pg("initdb", "-D", Path.Combine(dir, "data"), "-U", "mikucloud", "-A", "trust", "-E", "UTF8", "--locale=C.UTF-8", "--no-sync", "--no-instructions");
        Start(durable);
    }

    private void Start(bool durable)
    {
        var options = $"-c listen_addresses=127.0.0.1 -p {Port} -k {dir}";
        if (!durable)
        {
            options += " -c fsync=off -c synchronous_commit=off -c full_page_writes=off -c max_connections=200";
        }

        Pg("pg_ctl", "-D", Path.Combine(dir, "data"), "-l", Path.Combine(dir, "server.log"), "-w", "-t", "30", "-o", options, "start");
    }

    private void Stop() => Pg("pg_ctl", "-D", Path.Combine(dir, "data"), "-m", "immediate", "-w", "stop");

    private void Pg(string tool, params string[] args)
    {
        if (root)
        {
            Run("runuser", ["-u", "postgres", "--", Path.Combine(bin, tool), .. args]);
        }
        else
        {
            Run(Path.Combine(bin, tool), args);
        }
    }

    private static void Run(string file, params string[] args)
    {
        var start = new ProcessStartInfo(file, args) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        using var process = Process.Start(start)!;
        var stderr = process.StandardError.ReadToEndAsync();
        var stdout = process.StandardOutput.ReadToEndAsync();
        process.WaitForExit();
        if (process.ExitCode != 0)
        {
            throw new InvalidOperationException($"{Path.GetFileName(file)} {string.Join(' ', args)} failed ({process.ExitCode}): {stderr.Result}{stdout.Result}");
        }
    }
}

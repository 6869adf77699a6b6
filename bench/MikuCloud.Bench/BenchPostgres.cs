using System.Diagnostics;
using System.Net;
using System.Net.Sockets;

namespace MikuCloud.Bench;

/// <summary>
/// A throwaway PostgreSQL server for the usage item (loopback, temp dir, trust auth, durability off), from Debian's
/// binaries as the tests' PrivatePostgres starts one; runs as the postgres user when root. Null where none is installed.
/// </summary>
public sealed class BenchPostgres : IAsyncDisposable
{
    private readonly string bin;
    private readonly string dir = Directory.CreateTempSubdirectory("mikucloud-bench-pg").FullName;
    private readonly bool root = Environment.UserName == "root";
    private readonly int port;

    private BenchPostgres(string bin, int port)
    {
        this.bin = bin;
        this.port = port;
    }

    public string ConnectionString(string database) => $"Host=127.0.0.1;Port={port};Username=mikucloud;Database={database};Command Timeout=600";

    /// <summary>Starts a server, or returns null when PostgreSQL is not installed.</summary>
    public static async Task<BenchPostgres?> StartAsync()
    {
        var bin = Directory.Exists("/usr/lib/postgresql")
            ? Directory.GetDirectories("/usr/lib/postgresql").Select(d => Path.Combine(d, "bin")).Where(d => File.Exists(Path.Combine(d, "initdb"))).Order().LastOrDefault()
            : null;
        if (bin is null)
        {
            return null;
        }

        using var socket = new TcpListener(IPAddress.Loopback, 0);
        socket.Start();
        var server = new BenchPostgres(bin, ((IPEndPoint)socket.LocalEndpoint).Port);
        socket.Stop();
        await Task.Run(() =>
        {
            if (server.root)
            {
                Run("chown", "postgres:", server.dir);
            }

            server.Pg("initdb", "-D", Path.Combine(server.dir, "data"), "-U", "mikucloud", "-A", "trust", "-E", "UTF8", "--locale=C.UTF-8", "--no-sync", "--no-instructions");
            server.Pg("pg_ctl", "-D", Path.Combine(server.dir, "data"), "-l", Path.Combine(server.dir, "server.log"), "-w", "-t", "30", "-o",
                $"-c listen_addresses=127.0.0.1 -p {server.port} -k {server.dir} -c fsync=off -c synchronous_commit=off -c full_page_writes=off", "start");
        });
        return server;
    }

    public async ValueTask DisposeAsync()
    {
        await Task.Run(() => Pg("pg_ctl", "-D", Path.Combine(dir, "data"), "-m", "immediate", "-w", "stop"));
        Directory.Delete(dir, recursive: true);
    }

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
            throw new InvalidOperationException($"{Path.GetFileName(file)} failed ({process.ExitCode}): {stderr.Result}{stdout.Result}");
        }
    }
}

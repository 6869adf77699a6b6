using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Security.Cryptography;

namespace MikuCloud.Testing;

/// <summary>
/// A Redis server of our own from Debian's <c>redis-server</c> (loopback, a free port, a random password, nothing saved
/// to disk): the tests share one per test process (<see cref="Shared"/>), each test isolated by its own key prefix; the
/// routing benchmark starts one per measurement (<see cref="Start"/>) so its memory and command counts are its own.
/// </summary>
public sealed class PrivateRedis : IDisposable
{
    /// <summary>Why no server can be started here, for a test's skip message or a benchmark's note.</summary>
    public const string NotInstalled = "redis-server is not installed (apt-get install redis-server; ./test.sh does).";

    private static readonly Lazy<PrivateRedis?> SharedServer = new(() =>
    {
        var server = Start();
        if (server is not null)
        {
            AppDomain.CurrentDomain.ProcessExit += (_, _) => server.Dispose();
        }

        return server;
    });

    private readonly Process process;

    private PrivateRedis(Process process, int port, string password) => (this.process, Port, Password) = (process, port, password);

    /// <summary>The test process's server, or null where redis-server is not installed.</summary>
    public static PrivateRedis? Shared => SharedServer.Value;

    /// <summary>Whether redis-server is installed here (without starting one).</summary>
    public static bool Installed => Binary is not null;

    /// <summary>The port it listens on, on 127.0.0.1.</summary>
    public int Port { get; }

    /// <summary>Its <c>requirepass</c>, random per server.</summary>
    public string Password { get; }

    /// <summary>The API's <c>ConnectionStrings:redis</c>.</summary>
    public string ConnectionString => $"127.0.0.1:{Port},password={Password},abortConnect=false";

    /// <summary>Starts a server of the caller's own (dispose it to stop it); null where redis-server is not installed.</summary>
    /// <exception cref="InvalidOperationException">It was started but did not listen within 30 s.</exception>
    public static PrivateRedis? Start()
    {
        var binary = Binary;
        if (binary is null)
        {
            return null;
        }

        var port = LoopbackPort.Free();
        var password = Convert.ToHexString(RandomNumberGenerator.GetBytes(16));
        // The password on stdin (a config file of "-"), not on the command line where `ps` shows it.
        var start = new ProcessStartInfo(binary, "-")
        {
            RedirectStandardInput = true, RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false,
        };
        var process = Process.Start(start)!;
        process.StandardInput.Write($"""
            bind 127.0.0.1
            port {port}
            requirepass {password}
            save ""
            appendonly no
            daemonize no
            """);
        process.StandardInput.Close();
        process.OutputDataReceived += (_, _) => { };
        process.ErrorDataReceived += (_, _) => { };
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        var waited = Stopwatch.StartNew();
        while (waited.Elapsed < TimeSpan.FromSeconds(30))
        {
            try
            {
                using var probe = new TcpClient();
                probe.Connect(IPAddress.Loopback, port);
                return new PrivateRedis(process, port, password);
            }
            catch (SocketException) when (!process.HasExited)
            {
                Thread.Sleep(50);
            }
        }

        var exited = process.HasExited;
        if (!exited)
        {
            process.Kill();
        }

        process.Dispose();
        throw new InvalidOperationException($"redis-server did not listen on {port} (exited: {exited}).");
    }

    /// <summary>Stops the server (its data goes with it).</summary>
    public void Dispose()
    {
        if (!process.HasExited)
        {
            process.Kill();
            process.WaitForExit();
        }

        process.Dispose();
    }

    private static string? Binary => new[] { "/usr/bin/redis-server", "/usr/local/bin/redis-server" }.FirstOrDefault(File.Exists);
}

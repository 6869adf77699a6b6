using System.Diagnostics;
using System.Text;

namespace MikuCloud.Tests.Cli;

/// <summary>
/// The <c>miku</c> tool as its own process (<c>dotnet miku.dll …</c>, as the installed tool runs), with only the
/// environment a test gives it: what it prints as it prints it, and how it ended.
/// </summary>
internal sealed class MikuProcess : IAsyncDisposable
{
    private readonly Process process;
    private readonly StringBuilder stdout = new(), stderr = new();
    private readonly Task pumps;

    private MikuProcess(Process process)
    {
        this.process = process;
        pumps = Task.WhenAll(PumpAsync(process.StandardOutput, stdout), PumpAsync(process.StandardError, stderr));
    }

    /// <summary>What the tool wrote to stdout so far.</summary>
    public string Stdout { get { lock (stdout) { return stdout.ToString(); } } }

    /// <summary>What the tool wrote to stderr so far.</summary>
    public string Stderr { get { lock (stderr) { return stderr.ToString(); } } }

    /// <summary>Starts <c>miku</c> in <paramref name="workingDirectory"/> with <paramref name="environment"/> (MIKU_URL, MIKU_KEY…) and <paramref name="args"/>.</summary>
    public static MikuProcess Start(IReadOnlyDictionary<string, string> environment, string workingDirectory, params string[] args)
    {
        var start = new ProcessStartInfo("dotnet")
        {
            RedirectStandardOutput = true, RedirectStandardError = true, RedirectStandardInput = true, UseShellExecute = false,
            WorkingDirectory = workingDirectory, StandardOutputEncoding = Encoding.UTF8, StandardErrorEncoding = Encoding.UTF8,
        };
        start.ArgumentList.Add(ToolDll);
        foreach (var arg in args)
        {
            start.ArgumentList.Add(arg);
        }

        // Only what the test says: a developer's own MIKU_URL/MIKU_KEY must not leak in.
        start.Environment.Remove("MIKU_URL");
        start.Environment.Remove("MIKU_KEY");
        foreach (var (key, value) in environment)
        {
            start.Environment[key] = value;
        }

        return new MikuProcess(Process.Start(start)!);
    }

    /// <summary>Runs the tool to its end (60 s at most) and returns how it ended.</summary>
    public static async Task<(int ExitCode, string Stdout, string Stderr)> RunAsync(IReadOnlyDictionary<string, string> environment, string workingDirectory, params string[] args)
    {
        await using var miku = Start(environment, workingDirectory, args);
        var exitCode = await miku.WaitForExitAsync(TimeSpan.FromSeconds(60));
        return (exitCode, miku.Stdout, miku.Stderr);
    }

    /// <summary>Waits until the tool exits and everything it printed is read; returns its exit code.</summary>
    public async Task<int> WaitForExitAsync(TimeSpan timeout)
    {
        using var cts = CancellationTokenSource.CreateLinkedTokenSource(TestContext.Current.CancellationToken);
        cts.CancelAfter(timeout);
        try
        {
            await process.WaitForExitAsync(cts.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            throw new TimeoutException($"miku did not finish in {timeout}: stdout:\n{Stdout}\nstderr:\n{Stderr}");
        }

        await pumps;
        return process.ExitCode;
    }

    /// <summary>Waits until <paramref name="condition"/> holds for what the tool printed (stdout, stderr).</summary>
    public async Task WaitForOutputAsync(Func<string, string, bool> condition, TimeSpan timeout)
    {
        var deadline = Stopwatch.StartNew();
        while (!condition(Stdout, Stderr))
        {
            if (process.HasExited && pumps.IsCompleted && !condition(Stdout, Stderr))
            {
                Assert.Fail($"miku exited ({process.ExitCode}) first: {Stdout}\n{Stderr}");
            }

            Assert.True(deadline.Elapsed < timeout, $"miku did not print what was expected in {timeout}: stdout:\n{Stdout}\nstderr:\n{Stderr}");
            await Task.Delay(20, TestContext.Current.CancellationToken);
        }
    }

    /// <summary>Ctrl+C: SIGINT, as a terminal sends it (<c>dotnet miku.dll</c> runs the tool in its own process).</summary>
    public void Interrupt()
    {
        // The shell's own kill: no dependency on a kill binary being installed.
        using var kill = Process.Start("sh", ["-c", $"kill -INT {process.Id.ToString(System.Globalization.CultureInfo.InvariantCulture)}"]);
        kill.WaitForExit();
    }

    /// <summary>Ends the tool at once, as a closed terminal or a killed CI job does (no chance to clean up).</summary>
    public void Kill() => process.Kill(entireProcessTree: true);

    public async ValueTask DisposeAsync()
    {
        if (!process.HasExited)
        {
            process.Kill(entireProcessTree: true);
            await process.WaitForExitAsync();
        }

        process.Dispose();
    }

    /// <summary>The tool's build output, next to the tests' (the test project references MikuCloud.Cli, so it is built first).</summary>
    private static string ToolDll
    {
        get
        {
            var dll = Path.Combine(AppContext.BaseDirectory, "miku.dll");
            Assert.True(File.Exists(dll), $"{dll} is missing: build MikuCloud.Tests (it references MikuCloud.Cli)");
            return dll;
        }
    }

    private static async Task PumpAsync(StreamReader reader, StringBuilder into)
    {
        var buffer = new char[4096];
        int read;
        while ((read = await reader.ReadAsync(buffer)) > 0)
        {
            lock (into)
            {
                into.Append(buffer, 0, read);
            }
        }
    }
}

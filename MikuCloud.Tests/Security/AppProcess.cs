using System.Diagnostics;

namespace MikuCloud.Tests.Security;

/// <summary>The API, the Web or the AppHost as its own process, the way a person starts it from a shell.</summary>
internal static class AppProcess
{
    /// <summary>What the process wrote and how it ended.</summary>
    public sealed record Result(int ExitCode, string Stdout, string Stderr)
    {
        public string Output => Stdout + Stderr;
    }

    /// <summary>
    /// Runs <paramref name="dll"/> (a full path, or a file name in the test output) with a throwaway database and a dead
    /// Ollama unless <paramref name="environment"/> says otherwise; stopped after 60 s at most.
    /// </summary>
    public static async Task<Result> RunAsync(string dll, Dictionary<string, string> environment, params string[] args)
    {
        var ct = TestContext.Current.CancellationToken;
        var start = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        start.ArgumentList.Add(Path.IsPathRooted(dll) ? dll : Path.Combine(AppContext.BaseDirectory, dll));
        foreach (var arg in args)
        {
            start.ArgumentList.Add(arg);
        }

        start.Environment["ConnectionStrings__ollama"] = "Endpoint=http://127.0.0.1:9;Model=miku-vl";
        start.Environment["ConnectionStrings__chatdb"] = $"Data Source={Path.Combine(Path.GetTempPath(), $"mikucloud-su-{Guid.NewGuid():N}.db")}";
        start.Environment["DOTNET_ENVIRONMENT"] = "Production";
        start.Environment["ASPNETCORE_ENVIRONMENT"] = "Production";
        foreach (var (key, value) in environment)
        {
            start.Environment[key] = value;
        }

        using var process = Process.Start(start)!;
        var stdout = process.StandardOutput.ReadToEndAsync(ct);
        var stderr = process.StandardError.ReadToEndAsync(ct);
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(ct);
        timeout.CancelAfter(TimeSpan.FromSeconds(60));
        try
        {
            await process.WaitForExitAsync(timeout.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            throw;
        }

        return new Result(process.ExitCode, await stdout, await stderr);
    }

    /// <summary>The AppHost's own build output (it has the runtime config and DCP; the test output has only its assembly).</summary>
    public static string AppHostDll()
    {
        var configuration = AppContext.BaseDirectory.Contains($"{Path.DirectorySeparatorChar}Release{Path.DirectorySeparatorChar}", StringComparison.Ordinal) ? "Release" : "Debug";
        var project = Projects.MikuCloud_AppHost.ProjectPath;
        var dll = Path.Combine(project.EndsWith(".csproj", StringComparison.Ordinal) ? Path.GetDirectoryName(project)! : project, "bin", configuration, "net10.0", "MikuCloud.AppHost.dll");
        Assert.True(File.Exists(dll), $"{dll} is missing: build MikuCloud.AppHost");
        return dll;
    }

    /// <summary>A refusal as a person sees it: its line alone on stderr, exit code 1, and no stack trace anywhere.</summary>
    public static void AssertOneLineRefusal(Result result, string expected)
    {
        Assert.True(result.ExitCode == 1, $"exit code {result.ExitCode}, output:\n{result.Output}");
        var line = Assert.Single(result.Stderr.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries));
        Assert.Contains(expected, line, StringComparison.Ordinal);
        Assert.DoesNotContain("Unhandled exception", result.Output, StringComparison.Ordinal);
        Assert.DoesNotContain("Hosting failed to start", result.Output, StringComparison.Ordinal);
        Assert.DoesNotMatch(@"(?m)^\s+at \S", result.Output);
    }
}

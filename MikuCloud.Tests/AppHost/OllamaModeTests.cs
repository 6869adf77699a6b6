using System.Diagnostics;
using Aspire.Hosting;
using MikuCloud.AppHost.Ollama;

namespace MikuCloud.Tests.AppHost;

/// <summary>
/// <c>Ollama:Mode=auto</c> (the default): a container when an engine answers, else <c>ollama serve</c> when it is on
/// PATH, else container mode's message. The probes are injected, so every branch runs on any machine.
/// </summary>
public class OllamaModeTests
{
    private const string DockerDown = "Cannot connect to the Docker daemon at unix:///var/run/docker.sock";

    [Fact]
    public void With_a_container_engine_auto_runs_the_ollama_container()
    {
        var ollama = Build(new OllamaModeProbes(_ => null, () => throw new InvalidOperationException("PATH is not needed when the engine answers")));

        Assert.IsType<OllamaResource>(ollama.Server.Resource);
        Assert.Equal(OllamaMode.Container, ollama.Choice.Mode);
        Assert.Equal("Ollama:Mode=auto chose container: docker answers.", ollama.Choice.Reason);
    }

    [Fact]
    public void With_no_container_engine_but_ollama_on_PATH_auto_runs_ollama_serve()
    {
        var ollama = Build(new OllamaModeProbes(_ => DockerDown, () => "/usr/local/bin/ollama"));

        var server = Assert.IsType<OllamaExecutableResource>(ollama.Server.Resource);
        Assert.Equal("ollama", server.Command);
        Assert.Equal(OllamaMode.Local, ollama.Choice.Mode);
        Assert.Contains("chose local", ollama.Choice.Reason, StringComparison.Ordinal);
        Assert.Contains("/usr/local/bin/ollama", ollama.Choice.Reason, StringComparison.Ordinal);
        Assert.Contains(DockerDown, ollama.Choice.Reason, StringComparison.Ordinal);
        Assert.False(ollama.Choice.Fallback);
    }

    [Fact]
    public void With_neither_auto_keeps_container_mode_and_its_message_says_ollama_is_not_on_PATH_either()
    {
        var ollama = Build(new OllamaModeProbes(_ => DockerDown, () => null));

        Assert.IsType<OllamaResource>(ollama.Server.Resource);
        Assert.True(ollama.Choice.Fallback);
        var message = ContainerRuntimeCheck.AutoFailurePrefix + ContainerRuntimeCheck.Describe(ContainerRuntimeKind.Docker, DockerDown);
        Assert.Contains("no `ollama` on PATH", message, StringComparison.Ordinal);
        Assert.Contains("Ollama:Mode local", message, StringComparison.Ordinal);
        Assert.Contains("Ollama:Mode external", message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("container", typeof(OllamaResource))]
    [InlineData("local", typeof(OllamaExecutableResource))]
    [InlineData("external", typeof(OllamaExternalResource))]
    public void Explicit_modes_are_kept_without_asking_the_machine(string mode, Type expected)
    {
        var ollama = Build(new OllamaModeProbes(_ => throw new InvalidOperationException("no probe for an explicit mode"), () => throw new InvalidOperationException("no probe")),
            $"Ollama:Mode={mode}", "ConnectionStrings:ollama=Endpoint=http://gpu-box:11434");

        Assert.IsType(expected, ollama.Server.Resource);
        Assert.Equal($"Ollama:Mode={mode} is set.", ollama.Choice.Reason);
    }

    [Fact]
    public void Ollama_on_PATH_means_an_executable_file_named_ollama()
    {
        Assert.SkipWhen(OperatingSystem.IsWindows(), "uses Unix file modes");
        var empty = Directory.CreateTempSubdirectory("mikucloud-path").FullName;
        var bin = Directory.CreateTempSubdirectory("mikucloud-path").FullName;
        var ollama = Path.Combine(bin, "ollama");
        File.WriteAllText(ollama, "#!/bin/sh\nexit 0\n");
        var path = string.Join(Path.PathSeparator, empty, bin);

#pragma warning disable CA1416 // guarded by the SkipWhen above
        File.SetUnixFileMode(ollama, UnixFileMode.UserRead | UnixFileMode.UserWrite);
        Assert.Null(OllamaModeChoice.FindOnPath("ollama", path)); // there, but not executable
        File.SetUnixFileMode(ollama, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
#pragma warning restore CA1416
        Assert.Equal(ollama, OllamaModeChoice.FindOnPath("ollama", path));
        Assert.Null(OllamaModeChoice.FindOnPath("ollama", empty));
        Assert.Null(OllamaModeChoice.FindOnPath("ollama", null));
    }

    /// <summary>
    /// The real AppHost as a process on a machine whose container engine does not answer and whose PATH has a stand-in
    /// <c>ollama</c>: it says it chose local mode and why, and keeps running instead of stopping.
    /// </summary>
    [Fact]
    public async Task The_apphost_without_a_container_engine_runs_the_ollama_on_PATH_and_says_why()
    {
        Assert.SkipWhen(OperatingSystem.IsWindows(), "uses shell scripts as stand-in docker and ollama CLIs");
        var ct = TestContext.Current.CancellationToken;
        var bin = Directory.CreateTempSubdirectory("mikucloud-standins").FullName;
        await File.WriteAllTextAsync(Path.Combine(bin, "docker"), $"#!/bin/sh\necho '{DockerDown}' >&2\nexit 1\n", ct);
        // `ollama serve` that listens nowhere: the test only needs the AppHost's choice.
        await File.WriteAllTextAsync(Path.Combine(bin, "ollama"), "#!/bin/sh\nsleep 60\n", ct);
#pragma warning disable CA1416 // guarded by the SkipWhen above
        foreach (var script in Directory.GetFiles(bin))
        {
            File.SetUnixFileMode(script, UnixFileMode.UserRead | UnixFileMode.UserExecute);
        }
#pragma warning restore CA1416

        var start = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        start.ArgumentList.Add(Security.AppProcess.AppHostDll());
        start.Environment["PATH"] = bin + Path.PathSeparator + Environment.GetEnvironmentVariable("PATH");
        start.Environment["DOTNET_ENVIRONMENT"] = "Development";
        start.Environment["ASPNETCORE_URLS"] = "http://127.0.0.1:0";
        start.Environment["ASPIRE_DASHBOARD_OTLP_ENDPOINT_URL"] = "http://127.0.0.1:0";
        start.Environment["ASPIRE_RESOURCE_SERVICE_ENDPOINT_URL"] = "http://127.0.0.1:0";
        start.Environment["ASPIRE_ALLOW_UNSECURED_TRANSPORT"] = "true";
        // Docker is the engine the stand-in answers for, whatever this machine is set up with.
        start.Environment["ASPIRE_CONTAINER_RUNTIME"] = "docker";
        // auto even when a developer's user secrets choose a mode; a fixed port of its own, away from a real Ollama on 11434.
        foreach (var arg in new[] { "--Ollama:Mode", "auto", "--Ollama:Port", "11499" })
        {
            start.ArgumentList.Add(arg);
        }

        using var process = Process.Start(start)!;
        var output = new System.Text.StringBuilder();
        var chose = new TaskCompletionSource<string>(TaskCreationOptions.RunContinuationsAsynchronously);
        void Read(string? line)
        {
            if (line is null)
            {
                return;
            }

            lock (output)
            {
                output.AppendLine(line);
            }

            if (line.Contains("Ollama:Mode=auto", StringComparison.Ordinal))
            {
                chose.TrySetResult(line);
            }
        }

        process.OutputDataReceived += (_, e) => Read(e.Data);
        process.ErrorDataReceived += (_, e) => Read(e.Data);
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        try
        {
            var first = await Task.WhenAny(chose.Task, process.WaitForExitAsync(ct), Task.Delay(TimeSpan.FromMinutes(2), ct));
            Assert.True(first == chose.Task, $"the AppHost did not say which mode it chose:\n{output}");
            var line = await chose.Task;
            Assert.False(process.HasExited, $"the AppHost stopped (exit code {(process.HasExited ? process.ExitCode : 0)}):\n{output}");
            Assert.Contains("Ollama:Mode=auto chose local", line, StringComparison.Ordinal);
            Assert.Contains(Path.Combine(bin, "ollama"), line, StringComparison.Ordinal);
            Assert.Contains(DockerDown, line, StringComparison.Ordinal);
        }
        finally
        {
            process.Kill(entireProcessTree: true);
            await process.WaitForExitAsync(ct);
        }
    }

    private static MikuCloudOllama Build(OllamaModeProbes probes, params string[] args)
    {
        // A bare builder (no entry point): the test hands AddMikuCloudOllama its own probes. Nothing is built or started.
        var builder = DistributedApplication.CreateBuilder(new DistributedApplicationOptions
        {
            Args = ["Ollama:Gpu=none", .. args],
            DisableDashboard = true,
            AssemblyName = typeof(MikuCloudOllama).Assembly.GetName().Name,
        });
        return builder.AddMikuCloudOllama(probes);
    }
}

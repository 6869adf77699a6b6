using System.Diagnostics;

namespace MikuCloud.AppHost.Ollama;

/// <summary>
/// Before starting, checks that Docker or Podman really answers. Without this, a missing engine shows up as a
/// container stuck in "Runtime unhealthy" and a model waiting forever; with it, the AppHost stops with a message
/// that names the two ways out (<c>local</c> and <c>external</c> modes).
/// </summary>
public static class ContainerRuntimeCheck
{
    /// <summary>The message shown when the engine does not answer; <c>{0}</c> is the engine, <c>{1}</c> the detail.</summary>
    public const string FailureMessage =
        "Ollama:Mode=container needs a running container engine, but {0} did not answer ({1}). " +
        "Start Docker or Podman (with the NVIDIA Container Toolkit or ROCm for a GPU), or run Ollama another way: " +
        "'--Ollama:Mode local' starts `ollama serve` from your PATH, and " +
        "'--Ollama:Mode external --ConnectionStrings:ollama Endpoint=http://host:11434' uses an Ollama you already run.";

    /// <summary>The start of the message when <c>Ollama:Mode=auto</c> found neither an engine nor <c>ollama</c> on PATH.</summary>
    public const string AutoFailurePrefix = "Ollama:Mode=auto found no `ollama` on PATH either. ";

    /// <summary>
    /// Registers the check to run just before the application starts (never when publishing). <paramref name="auto"/>:
    /// container mode was chosen by <c>auto</c> as the last resort, so the message also says <c>ollama</c> is not on PATH.
    /// </summary>
    public static IResourceBuilder<OllamaResource> WithContainerRuntimeCheck(this IResourceBuilder<OllamaResource> builder, ContainerRuntimeKind runtime, bool auto = false)
    {
        ArgumentNullException.ThrowIfNull(builder);
        if (builder.ApplicationBuilder.ExecutionContext.IsRunMode)
        {
            builder.ApplicationBuilder.Eventing.Subscribe<BeforeStartEvent>(async (_, ct) =>
            {
                if (await ProbeAsync(Command(runtime), ct).ConfigureAwait(false) is { } problem)
                {
                    throw new ContainerRuntimeUnavailableException((auto ? AutoFailurePrefix : "") + Describe(runtime, problem));
                }
            });
        }

        return builder;
    }

    /// <summary>The full error for a failed probe.</summary>
    public static string Describe(ContainerRuntimeKind runtime, string problem) =>
        string.Format(System.Globalization.CultureInfo.InvariantCulture, FailureMessage, Command(runtime), problem);

    /// <summary>Runs <c>docker info</c> / <c>podman info</c>; returns what went wrong, or <c>null</c> when the engine answers.</summary>
    /// <param name="command">The engine's CLI: <c>docker</c>, <c>podman</c>, or a full path.</param>
    /// <param name="cancellationToken">Cancels the probe.</param>
    public static async Task<string?> ProbeAsync(string command, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(command);
        var start = new ProcessStartInfo(command, ["info", "--format", "{{.ServerVersion}}"])
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        Process? process = null;
        try
        {
            process = Process.Start(start)!;
            using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            timeout.CancelAfter(TimeSpan.FromSeconds(15));
            var stderr = process.StandardError.ReadToEndAsync(timeout.Token);
            await process.WaitForExitAsync(timeout.Token).ConfigureAwait(false);
            if (process.ExitCode == 0)
            {
                return null;
            }

            var detail = (await stderr.ConfigureAwait(false)).Trim();
            return detail.Length == 0 ? $"exit code {process.ExitCode}" : detail.Split('\n')[0].Trim();
        }
        catch (System.ComponentModel.Win32Exception)
        {
            return $"'{command}' is not installed";
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            process?.Kill(entireProcessTree: true);
            return $"'{command} info' did not answer within 15 s";
        }
        finally
        {
            process?.Dispose();
        }
    }

    /// <summary>The engine's CLI: <c>docker</c> or <c>podman</c>.</summary>
    public static string Command(ContainerRuntimeKind runtime) => runtime == ContainerRuntimeKind.Podman ? "podman" : "docker";
}

/// <summary>No container engine answers in <c>container</c> mode; the message names the alternatives.</summary>
public sealed class ContainerRuntimeUnavailableException(string message) : DistributedApplicationException(message);

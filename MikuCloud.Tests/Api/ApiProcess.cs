using System.Diagnostics;
using System.Text;
using System.Text.RegularExpressions;

namespace MikuCloud.Tests.Api;

/// <summary>
/// The API as a real child process (its own build output, loopback, single-user), for what an in-process host cannot
/// show: a process killed outright, with no shutdown, no final save and no goodbye to its database.
/// </summary>
public sealed partial class ApiProcess : IAsyncDisposable
{
    private readonly Process process;
    private readonly StringBuilder output = new();
    private readonly TaskCompletionSource<Uri> listening = new(TaskCreationOptions.RunContinuationsAsynchronously);

    private ApiProcess(Process process)
    {
        this.process = process;
        process.OutputDataReceived += (_, e) => Read(e.Data);
        process.ErrorDataReceived += (_, e) => Read(e.Data);
        process.Exited += (_, _) => listening.TrySetException(new InvalidOperationException("The API process ended before it listened."));
        process.EnableRaisingEvents = true;
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
    }

    /// <summary>Where it listens.</summary>
    public Uri Address { get; private set; } = null!;

    /// <summary>Starts the API with <paramref name="settings"/> (configuration keys, <c>:</c>-separated) and waits until it is alive.</summary>
    public static async Task<ApiProcess> StartAsync(Dictionary<string, string> settings, CancellationToken cancellationToken)
    {
        var start = new ProcessStartInfo("dotnet")
        {
            RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false, WorkingDirectory = AppContext.BaseDirectory,
        };
        start.ArgumentList.Add(Path.Combine(AppContext.BaseDirectory, "MikuCloud.Api.dll"));
        // Port 0: Kestrel takes a free port itself and logs it. A port picked here and handed over could be taken by
        // another test in between ("address already in use", seen on CI).
        start.Environment["ASPNETCORE_URLS"] = "http://127.0.0.1:0";
        start.Environment["DOTNET_ENVIRONMENT"] = "Development";
        start.Environment["ASPNETCORE_ENVIRONMENT"] = "Development";
        start.Environment["Auth__Mode"] = "SingleUser";
        foreach (var (key, value) in settings)
        {
            start.Environment[key.Replace(":", "__", StringComparison.Ordinal)] = value;
        }

        var api = new ApiProcess(Process.Start(start)!);
        var deadline = Stopwatch.StartNew();
        try
        {
            api.Address = await api.listening.Task.WaitAsync(TimeSpan.FromSeconds(90), cancellationToken);
            using var probe = new HttpClient { BaseAddress = api.Address };
            while (true)
            {
                try
                {
                    using var alive = await probe.GetAsync("/alive", cancellationToken);
                    if (alive.IsSuccessStatusCode)
                    {
                        return api;
                    }
                }
                catch (HttpRequestException)
                {
                    // not answering yet
                }

                if (api.process.HasExited || deadline.Elapsed > TimeSpan.FromSeconds(90))
                {
                    throw new InvalidOperationException("The API process did not answer /alive.");
                }

                await Task.Delay(200, cancellationToken);
            }
        }
        catch (Exception ex) when (ex is InvalidOperationException or TimeoutException)
        {
            await api.DisposeAsync();
            throw new InvalidOperationException($"The API process did not start ({ex.Message}): {api.Output}", ex);
        }
    }

    /// <summary>What it printed so far.</summary>
    public string Output
    {
        get
        {
            lock (output)
            {
                return output.ToString();
            }
        }
    }

    /// <summary>A client for it.</summary>
    public HttpClient CreateClient() => new() { BaseAddress = Address };

    /// <summary>SIGKILL: the process ends now, mid-answer, without saving anything more.</summary>
    public void Kill() => process.Kill(entireProcessTree: true);

    public async ValueTask DisposeAsync()
    {
        if (!process.HasExited)
        {
            process.Kill(entireProcessTree: true);
        }

        await process.WaitForExitAsync();
        process.Dispose();
    }

    private void Read(string? line)
    {
        if (line is null)
        {
            return;
        }

        lock (output)
        {
            output.AppendLine(line);
        }

        if (ListeningLine().Match(line) is { Success: true } match)
        {
            listening.TrySetResult(new Uri(match.Groups["address"].Value));
        }
    }

    [GeneratedRegex(@"Now listening on: (?<address>http://\S+)")]
    private static partial Regex ListeningLine();
}

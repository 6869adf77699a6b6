using System.Diagnostics;
using System.Net;
using System.Net.Sockets;

namespace MikuCloud.Tests.Api;

/// <summary>
/// The API as a real child process (its own build output, loopback, single-user), for what an in-process host cannot
/// show: a process killed outright, with no shutdown, no final save and no goodbye to its database.
/// </summary>
public sealed class ApiProcess : IAsyncDisposable
{
    private readonly Process process;
    private readonly Task<string> output;

    private ApiProcess(Process process, Uri address)
    {
        this.process = process;
        Address = address;
        output = Task.WhenAll(process.StandardOutput.ReadToEndAsync(), process.StandardError.ReadToEndAsync()).ContinueWith(t => string.Concat(t.Result),
            TaskScheduler.Default);
    }

    /// <summary>Where it listens.</summary>
    public Uri Address { get; }

    /// <summary>Starts the API with <paramref name="settings"/> (configuration keys, <c>:</c>-separated) and waits until it is alive.</summary>
    public static async Task<ApiProcess> StartAsync(Dictionary<string, string> settings, CancellationToken cancellationToken)
    {
        var port = FreePort();
        var start = new ProcessStartInfo("dotnet")
        {
            RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false, WorkingDirectory = AppContext.BaseDirectory,
        };
        start.ArgumentList.Add(Path.Combine(AppContext.BaseDirectory, "MikuCloud.Api.dll"));
        start.Environment["ASPNETCORE_URLS"] = $"http://127.0.0.1:{port}";
        start.Environment["DOTNET_ENVIRONMENT"] = "Development";
        start.Environment["ASPNETCORE_ENVIRONMENT"] = "Development";
        start.Environment["Auth__Mode"] = "SingleUser";
        foreach (var (key, value) in settings)
        {
            start.Environment[key.Replace(":", "__", StringComparison.Ordinal)] = value;
        }

        var api = new ApiProcess(Process.Start(start)!, new Uri($"http://127.0.0.1:{port}"));
        using var probe = new HttpClient { BaseAddress = api.Address };
        var deadline = Stopwatch.StartNew();
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
                // not listening yet
            }

            if (api.process.HasExited || deadline.Elapsed > TimeSpan.FromSeconds(90))
            {
                api.process.Kill(entireProcessTree: true);
                throw new InvalidOperationException($"The API process did not start: {await api.output}");
            }

            await Task.Delay(200, cancellationToken);
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

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}

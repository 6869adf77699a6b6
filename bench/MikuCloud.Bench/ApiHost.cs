using System.Diagnostics;
using System.Globalization;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.Extensions.DependencyInjection;

namespace MikuCloud.Bench;

/// <summary>What a running API reports about itself (its process only, unless <see cref="Shared"/>).</summary>
public sealed record ApiStats(
    double CpuMs,
    long AllocatedBytes,
    long GcHeapBytes,
    long WorkingSetBytes,
    long PeakWorkingSetBytes,
    int Gen0,
    int Gen1,
    int Gen2,
    int Threads,
    int ThreadPoolThreads,
    long LockContentions,
    double GcPauseMs,
    long WorkItems,
    long ActiveTimers,
    long JitMethods,
    double JitMs,
    bool Shared);

/// <summary>A running API: where it listens, and its own resource counters.</summary>
public interface IApiHost : IAsyncDisposable
{
    Uri BaseAddress { get; }

    /// <summary>"child process (pid 123, server GC)" or "in-process".</summary>
    string Description { get; }

    /// <summary>The process id whose memory can be sampled from /proc (the API's, or this one in-process).</summary>
    int ProcessId { get; }

    /// <summary>The API's services (in-process only).</summary>
    IServiceProvider? Services { get; }

    Task<ApiStats> StatsAsync(CancellationToken cancellationToken = default);

    /// <summary>Starts sampling the API's allocations by type.</summary>
    Task BeginAllocationProfileAsync(CancellationToken cancellationToken = default);

    /// <summary>Stops sampling; the top types by sampled bytes.</summary>
    Task<List<AllocationSample>> EndAllocationProfileAsync(CancellationToken cancellationToken = default);

    /// <summary>Span timings inside the API since the last call.</summary>
    Task<List<SpanTiming>> SpansAsync(CancellationToken cancellationToken = default);

    /// <summary>Resets the peak resident set (VmHWM) so the next <see cref="StatsAsync"/> reports the peak since now.</summary>
    Task ResetPeakAsync(CancellationToken cancellationToken = default);
}

/// <summary>How to start the API: the two connection strings plus any other settings.</summary>
public sealed record ApiHostSettings(string OllamaConnectionString, string DatabasePath, IReadOnlyDictionary<string, string?> Settings)
{
    /// <summary>The environment the API runs in: Production, as deployed (Development would add the Scalar UI).</summary>
    public string Environment { get; init; } = "Production";

    public static async Task<IApiHost> StartAsync(ApiHostMode mode, ApiHostSettings settings, CancellationToken cancellationToken = default) =>
        mode == ApiHostMode.Process
            ? await ChildProcessApiHost.StartAsync(settings, cancellationToken)
            : InProcessApiHost.Start(settings);
}

/// <summary>
/// The real API (its Program, appsettings.json, DI, middleware) on Kestrel at 127.0.0.1 with a free port, as
/// MikuCloud.Tests' ApiFactory starts it, plus a <c>/__bench/stats</c> endpoint in front of the pipeline.
/// </summary>
public sealed class BenchApiFactory(ApiHostSettings settings) : WebApplicationFactory<MikuCloud.Api.ApiMarker>
{
    private Uri? baseAddress;

    public Uri BaseAddress => baseAddress ??= Start();

    private Uri Start()
    {
        UseKestrel(o => o.Listen(System.Net.IPAddress.Loopback, 0));
        using var probe = CreateClient();
        return probe.BaseAddress!;
    }

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        builder.UseEnvironment(settings.Environment);
        builder.UseSetting("ConnectionStrings:ollama", settings.OllamaConnectionString);
        builder.UseSetting("ConnectionStrings:chatdb", $"Data Source={settings.DatabasePath}");
        builder.UseSetting("Auth:Mode", "SingleUser");
        foreach (var (key, value) in settings.Settings)
        {
            builder.UseSetting(key, value);
        }

        builder.ConfigureServices(s =>
        {
            s.AddSingleton<IStartupFilter, StatsEndpoint>();
            // Bench:SqliteSynchronous=FULL puts back a per-commit fsync (the API sets NORMAL), to measure what it costs.
            if (settings.Settings.TryGetValue("Bench:SqliteSynchronous", out var synchronous) && synchronous is { Length: > 0 })
            {
                s.ConfigureDbContext<MikuCloud.Api.Data.SqliteChatDbContext>(o => o.AddInterceptors(new SynchronousOverride(synchronous)));
            }
        });
        // Bench:Spans=off leaves the span listener out: it costs every request a few µs, and every EF command more,
        // which would inflate differences in the number of queries (the auth item compares exactly that).
        if (!settings.Settings.TryGetValue("Bench:Spans", out var spans) || spans != "off")
        {
            SpanProfile.Start();
        }
    }

    /// <summary>Runs after the API's own connection setup and overrides its <c>PRAGMA synchronous</c>.</summary>
    private sealed class SynchronousOverride(string mode) : Microsoft.EntityFrameworkCore.Diagnostics.DbConnectionInterceptor
    {
        private readonly string pragma = $"PRAGMA synchronous = {(mode.All(char.IsAsciiLetter) ? mode : "FULL")};";

        public override async Task ConnectionOpenedAsync(System.Data.Common.DbConnection connection, Microsoft.EntityFrameworkCore.Diagnostics.ConnectionEndEventData eventData, CancellationToken cancellationToken = default)
        {
            await using var command = connection.CreateCommand();
            command.CommandText = pragma;
            await command.ExecuteNonQueryAsync(cancellationToken);
        }

        public override void ConnectionOpened(System.Data.Common.DbConnection connection, Microsoft.EntityFrameworkCore.Diagnostics.ConnectionEndEventData eventData)
        {
            using var command = connection.CreateCommand();
            command.CommandText = pragma;
            command.ExecuteNonQuery();
        }
    }

    /// <summary><c>GET /__bench/stats</c> and <c>POST /__bench/reset-peak</c>, ahead of the API's own middleware.</summary>
    private sealed class StatsEndpoint : IStartupFilter
    {
        public Action<IApplicationBuilder> Configure(Action<IApplicationBuilder> next) => app =>
        {
            app.Use(async (ctx, nextMiddleware) =>
            {
                switch (ctx.Request.Path.Value)
                {
                    case "/__bench/stats":
                        await ctx.Response.WriteAsJsonAsync(ProcessStats.Current(shared: false));
                        return;
                    case "/__bench/alloc/begin":
                        AllocationProfile.Begin();
                        ctx.Response.StatusCode = StatusCodes.Status204NoContent;
                        return;
                    case "/__bench/alloc/end":
                        await ctx.Response.WriteAsJsonAsync(AllocationProfile.End(25));
                        return;
                    case "/__bench/spans":
                        await ctx.Response.WriteAsJsonAsync(SpanProfile.Drain());
                        return;
                    case "/__bench/reset-peak":
                        ProcessStats.ResetPeak(System.Environment.ProcessId);
                        ctx.Response.StatusCode = StatusCodes.Status204NoContent;
                        return;
                    default:
                        await nextMiddleware();
                        return;
                }
            });
            next(app);
        };
    }
}

/// <summary>Counters of this process, and /proc readers for any process.</summary>
public static class ProcessStats
{
    public static ApiStats Current(bool shared)
    {
        using var self = Process.GetCurrentProcess();
        return new ApiStats(
            System.Environment.CpuUsage.TotalTime.TotalMilliseconds,
            GC.GetTotalAllocatedBytes(precise: true),
            GC.GetGCMemoryInfo().HeapSizeBytes,
            System.Environment.WorkingSet,
            ReadStatusKb(System.Environment.ProcessId, "VmHWM:") * 1024,
            GC.CollectionCount(0),
            GC.CollectionCount(1),
            GC.CollectionCount(2),
            self.Threads.Count,
            ThreadPool.ThreadCount,
            Monitor.LockContentionCount,
            GC.GetTotalPauseDuration().TotalMilliseconds,
            ThreadPool.CompletedWorkItemCount,
            Timer.ActiveCount,
            System.Runtime.JitInfo.GetCompiledMethodCount(),
            System.Runtime.JitInfo.GetCompilationTime().TotalMilliseconds,
            shared);
    }

    /// <summary>Resets VmHWM (Linux: writing 5 to clear_refs); harmless where unsupported.</summary>
    public static void ResetPeak(int pid)
    {
        try
        {
            File.WriteAllText($"/proc/{pid}/clear_refs", "5");
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            // The peak then covers the whole process lifetime; the report says "peak" either way.
        }
    }

    /// <summary>A <c>/proc/PID/status</c> field in kB (VmRSS:, VmHWM:), or 0.</summary>
    public static long ReadStatusKb(int pid, string field)
    {
        try
        {
            foreach (var line in File.ReadLines($"/proc/{pid}/status"))
            {
                if (line.StartsWith(field, StringComparison.Ordinal))
                {
                    var digits = line.AsSpan(field.Length).Trim();
                    var end = digits.IndexOf(' ');
                    return long.Parse(end < 0 ? digits : digits[..end], CultureInfo.InvariantCulture);
                }
            }
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException or FormatException)
        {
            // Process gone or not Linux.
        }

        return 0;
    }

    /// <summary>User + system CPU of a process in ms from /proc (10 ms resolution), or 0.</summary>
    public static double ReadCpuMs(int pid)
    {
        try
        {
            var stat = File.ReadAllText($"/proc/{pid}/stat");
            var fields = stat[(stat.LastIndexOf(')') + 2)..].Split(' ');
            // After "pid (comm) ": state is field 3, utime 14, stime 15 → indexes 11 and 12 here.
            var ticks = long.Parse(fields[11], CultureInfo.InvariantCulture) + long.Parse(fields[12], CultureInfo.InvariantCulture);
            return ticks * 10.0;
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException or FormatException or IndexOutOfRangeException)
        {
            return 0;
        }
    }
}

/// <summary>The API in this process (next to the fake and the clients).</summary>
public sealed class InProcessApiHost : IApiHost
{
    private readonly BenchApiFactory factory;

    private InProcessApiHost(BenchApiFactory factory)
    {
        this.factory = factory;
        BaseAddress = factory.BaseAddress;
    }

    public Uri BaseAddress { get; }

    public string Description => "in-process (counters include the fake Ollama and the clients)";

    public int ProcessId => System.Environment.ProcessId;

    public IServiceProvider? Services => factory.Services;

    /// <summary>Starts the API here; it logs at Warning (its console is this program's report) unless the settings say otherwise.</summary>
    public static InProcessApiHost Start(ApiHostSettings settings)
    {
        var quiet = new Dictionary<string, string?>(settings.Settings);
        quiet.TryAdd("Logging:LogLevel:Default", "Warning");
        return new(new BenchApiFactory(settings with { Settings = quiet }));
    }

    public Task<ApiStats> StatsAsync(CancellationToken cancellationToken = default) => Task.FromResult(ProcessStats.Current(shared: true));

    public Task<List<SpanTiming>> SpansAsync(CancellationToken cancellationToken = default) => Task.FromResult(SpanProfile.Drain());

    public Task BeginAllocationProfileAsync(CancellationToken cancellationToken = default)
    {
        AllocationProfile.Begin();
        return Task.CompletedTask;
    }

    public Task<List<AllocationSample>> EndAllocationProfileAsync(CancellationToken cancellationToken = default) => Task.FromResult(AllocationProfile.End(25));

    public Task ResetPeakAsync(CancellationToken cancellationToken = default)
    {
        ProcessStats.ResetPeak(ProcessId);
        return Task.CompletedTask;
    }

    public ValueTask DisposeAsync() => factory.DisposeAsync();
}

/// <summary>
/// The API in a child process: this program with <c>serve-api</c>, which hosts the API exactly as
/// <see cref="InProcessApiHost"/> does, with the server GC MikuCloud.Api runs with in production.
/// </summary>
public sealed class ChildProcessApiHost : IApiHost
{
    private readonly Process process;
    private readonly HttpClient client;
    private readonly Task drain;

    private ChildProcessApiHost(Process process, Uri baseAddress, Task drain)
    {
        this.process = process;
        this.drain = drain;
        BaseAddress = baseAddress;
        client = new HttpClient { BaseAddress = baseAddress };
    }

    public Uri BaseAddress { get; }

    public string Description => $"child process (pid {process.Id}, server GC)";

    public int ProcessId => process.Id;

    public IServiceProvider? Services => null;

    public static async Task<ChildProcessApiHost> StartAsync(ApiHostSettings settings, CancellationToken cancellationToken)
    {
        var start = new ProcessStartInfo
        {
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        // This harness's own executable (also when it is loaded by the test project, whose output holds a copy).
        var dll = typeof(ChildProcessApiHost).Assembly.Location;
        var apphost = Path.ChangeExtension(dll, OperatingSystem.IsWindows() ? ".exe" : null);
        if (File.Exists(apphost))
        {
            start.FileName = apphost;
        }
        else
        {
            start.FileName = "dotnet";
            start.ArgumentList.Add(dll);
        }

        start.ArgumentList.Add(ChildApiServer.Command);
        start.ArgumentList.Add(JsonSerializer.Serialize(settings));
        start.Environment["DOTNET_gcServer"] = System.Environment.GetEnvironmentVariable("BENCH_API_GCSERVER") ?? "1";
        if (System.Environment.GetEnvironmentVariable("BENCH_API_GCCONSERVE") is { } conserve)
        {
            start.Environment["DOTNET_GCConserveMemory"] = conserve;
        }
        start.Environment["DOTNET_CLI_TELEMETRY_OPTOUT"] = "1";

        var process = Process.Start(start) ?? throw new InvalidOperationException("Could not start the API process.");
        BenchProcesses.Register(process.Id);
        var log = new System.Text.StringBuilder();
        var stderr = Task.Run(async () =>
        {
            while (await process.StandardError.ReadLineAsync(CancellationToken.None) is { } line)
            {
                lock (log)
                {
                    if (log.Length < 64_000)
                    {
                        log.AppendLine(line);
                    }
                }
            }
        }, CancellationToken.None);

        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(TimeSpan.FromSeconds(60));
        try
        {
            while (await process.StandardOutput.ReadLineAsync(timeout.Token) is { } line)
            {
                if (line.StartsWith(ChildApiServer.ListeningPrefix, StringComparison.Ordinal))
                {
                    var address = new Uri(line[ChildApiServer.ListeningPrefix.Length..].Trim());
                    // The API's own console logs go on coming: keep reading so it never blocks on a full pipe.
                    var drain = Task.WhenAll(stderr, Task.Run(async () =>
                    {
                        while (await process.StandardOutput.ReadLineAsync(CancellationToken.None) is { } more)
                        {
                            lock (log)
                            {
                                if (log.Length < 64_000)
                                {
                                    log.AppendLine(more);
                                }
                            }
                        }
                    }, CancellationToken.None));
                    return new ChildProcessApiHost(process, address, drain);
                }

                lock (log)
                {
                    log.AppendLine(line);
                }
            }
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            // Timed out: fall through.
        }

        process.Kill(entireProcessTree: true);
        lock (log)
        {
            throw new InvalidOperationException("The API process did not start:\n" + log);
        }
    }

    public async Task<ApiStats> StatsAsync(CancellationToken cancellationToken = default) =>
        (await client.GetFromJsonAsync<ApiStats>("/__bench/stats", cancellationToken))!;

    public async Task BeginAllocationProfileAsync(CancellationToken cancellationToken = default) =>
        (await client.PostAsync("/__bench/alloc/begin", null, cancellationToken)).EnsureSuccessStatusCode();

    public async Task<List<AllocationSample>> EndAllocationProfileAsync(CancellationToken cancellationToken = default) =>
        (await client.GetFromJsonAsync<List<AllocationSample>>("/__bench/alloc/end", cancellationToken))!;

    public async Task<List<SpanTiming>> SpansAsync(CancellationToken cancellationToken = default) =>
        (await client.GetFromJsonAsync<List<SpanTiming>>("/__bench/spans", cancellationToken))!;

    public async Task ResetPeakAsync(CancellationToken cancellationToken = default) =>
        (await client.PostAsync("/__bench/reset-peak", null, cancellationToken)).EnsureSuccessStatusCode();

    public async ValueTask DisposeAsync()
    {
        client.Dispose();
        try
        {
            process.StandardInput.Close(); // the child stops when its stdin closes
            using var wait = new CancellationTokenSource(TimeSpan.FromSeconds(15));
            await process.WaitForExitAsync(wait.Token);
        }
        catch (Exception ex) when (ex is OperationCanceledException or InvalidOperationException or IOException)
        {
            if (!process.HasExited)
            {
                process.Kill(entireProcessTree: true);
            }
        }

        await drain.WaitAsync(TimeSpan.FromSeconds(5)).ContinueWith(_ => { }, TaskScheduler.Default);
        BenchProcesses.Unregister(process.Id);
        process.Dispose();
    }
}

/// <summary>The <c>serve-api</c> side of <see cref="ChildProcessApiHost"/>.</summary>
public static class ChildApiServer
{
    public const string Command = "serve-api";
    public const string ListeningPrefix = "BENCH-API-LISTENING ";

    public static async Task<int> RunAsync(string[] args)
    {
        var settings = JsonSerializer.Deserialize<ApiHostSettings>(args[0]) ?? throw new ArgumentException("settings");
        await using var factory = new BenchApiFactory(settings);
        Console.WriteLine(ListeningPrefix + factory.BaseAddress);
        Console.Out.Flush();
        // Runs until the parent closes stdin (or dies).
        await Console.In.ReadToEndAsync();
        return 0;
    }
}

/// <summary>Processes this run started (for the machine-load accounting: their CPU is ours, not "other load").</summary>
public static class BenchProcesses
{
    private static readonly HashSet<int> Pids = [];

    public static void Register(int pid)
    {
        lock (Pids)
        {
            Pids.Add(pid);
        }
    }

    public static void Unregister(int pid)
    {
        lock (Pids)
        {
            Pids.Remove(pid);
        }
    }

    public static int[] Snapshot()
    {
        lock (Pids)
        {
            return [.. Pids];
        }
    }
}

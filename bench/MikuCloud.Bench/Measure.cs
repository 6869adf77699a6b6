using System.Diagnostics;
using System.Globalization;
using System.Runtime.InteropServices;

namespace MikuCloud.Bench;

/// <summary>Order statistics of a sample (nearest rank).</summary>
public sealed record Summary(int Count, double Min, double P50, double P90, double P99, double Max, double Mean)
{
    public static readonly Summary Empty = new(0, double.NaN, double.NaN, double.NaN, double.NaN, double.NaN, double.NaN);

    public static Summary Of(IEnumerable<double> values)
    {
        var sorted = values.Where(v => !double.IsNaN(v)).Order().ToArray();
        return sorted.Length == 0
            ? Empty
            : new Summary(sorted.Length, sorted[0], Rank(sorted, 0.50), Rank(sorted, 0.90), Rank(sorted, 0.99), sorted[^1], sorted.Average());
    }

    private static double Rank(double[] sorted, double p) => sorted[Math.Clamp((int)Math.Ceiling(p * sorted.Length) - 1, 0, sorted.Length - 1)];
}

/// <summary>Timing helpers.</summary>
public static class Clock
{
    public static double Ms(long fromTimestamp, long toTimestamp) => (toTimestamp - fromTimestamp) * 1000.0 / Stopwatch.Frequency;

    public static double MsSince(long fromTimestamp) => Ms(fromTimestamp, Stopwatch.GetTimestamp());
}

/// <summary>Number formatting for the report (invariant culture).</summary>
public static class Fmt
{
    public static string Ms(double ms) => double.IsNaN(ms) ? "–" : Math.Abs(ms) >= 100 ? ms.ToString("0", CultureInfo.InvariantCulture) + " ms" : Math.Abs(ms) >= 10 ? ms.ToString("0.0", CultureInfo.InvariantCulture) + " ms" : ms.ToString("0.00", CultureInfo.InvariantCulture) + " ms";

    public static string SignedMs(double ms) => double.IsNaN(ms) ? "–" : (ms >= 0 ? "+" : "−") + Ms(Math.Abs(ms));

    public static string Us(double us) => double.IsNaN(us) ? "–" : us.ToString(us >= 100 ? "0" : "0.0", CultureInfo.InvariantCulture) + " µs";

    public static string N(double value, string format = "0") => double.IsNaN(value) ? "–" : value.ToString(format, CultureInfo.InvariantCulture);

    public static string Ratio(double value) => double.IsNaN(value) ? "–" : value.ToString("0.000", CultureInfo.InvariantCulture);

    public static string Bytes(double bytes) => double.IsNaN(bytes) ? "–" : bytes switch
    {
        >= 1024 * 1024 => (bytes / 1024 / 1024).ToString("0.0", CultureInfo.InvariantCulture) + " MB",
        >= 1024 => (bytes / 1024).ToString("0.0", CultureInfo.InvariantCulture) + " KB",
        _ => bytes.ToString("0", CultureInfo.InvariantCulture) + " B",
    };

    public static string Percent(double fraction) => double.IsNaN(fraction) ? "–" : (fraction * 100).ToString("0.0", CultureInfo.InvariantCulture) + " %";
}

/// <summary>
/// How busy the machine was with other work while a section ran: total CPU from /proc/stat minus the CPU of this
/// program and the processes it started. The machine is shared, so every section reports it.
/// </summary>
public sealed class LoadMeter
{
    private readonly long busyStart;
    private readonly long totalStart;
    private readonly double oursStart;
    private readonly long started = Stopwatch.GetTimestamp();

    private LoadMeter()
    {
        (busyStart, totalStart) = ReadProcStat();
        oursStart = OurCpuMs();
    }

    public static LoadMeter Start() => new();

    /// <summary>CPU used by other processes, as a fraction of all cores, and ours, since the start.</summary>
    public MachineLoad Stop()
    {
        var (busy, total) = ReadProcStat();
        var ours = OurCpuMs() - oursStart;
        var wall = Clock.MsSince(started);
        var cores = Environment.ProcessorCount;
        var busyMs = (busy - busyStart) * 10.0;
        var capacity = wall * cores;
        var others = capacity > 0 && total > totalStart ? Math.Clamp((busyMs - ours) / capacity, 0, 1) : double.NaN;
        return new MachineLoad(wall, others, capacity > 0 ? ours / capacity : double.NaN, LoadAverage());
    }

    public static string LoadAverage()
    {
        try
        {
            return string.Join(" ", File.ReadAllText("/proc/loadavg").Split(' ').Take(3));
        }
        catch (IOException)
        {
            return "?";
        }
    }

    private static double OurCpuMs() =>
        Environment.CpuUsage.TotalTime.TotalMilliseconds + BenchProcesses.Snapshot().Sum(ProcessStats.ReadCpuMs) + ChildrenCpuMs();

    /// <summary>Browser and driver processes under this one (Playwright's node and Chromium).</summary>
    private static double ChildrenCpuMs()
    {
        if (!OperatingSystem.IsLinux())
        {
            return 0;
        }

        var mine = Environment.ProcessId;
        var registered = BenchProcesses.Snapshot().ToHashSet();
        var parents = new Dictionary<int, int>();
        foreach (var dir in Directory.EnumerateDirectories("/proc"))
        {
            if (int.TryParse(Path.GetFileName(dir), out var pid))
            {
                try
                {
                    var stat = File.ReadAllText(Path.Combine(dir, "stat"));
                    var fields = stat[(stat.LastIndexOf(')') + 2)..].Split(' ');
                    parents[pid] = int.Parse(fields[1], CultureInfo.InvariantCulture);
                }
                catch (Exception ex) when (ex is IOException or UnauthorizedAccessException or FormatException or IndexOutOfRangeException)
                {
                    // Gone.
                }
            }
        }

        bool Descends(int pid)
        {
            for (var p = pid; parents.TryGetValue(p, out var parent) && p > 1; p = parent)
            {
                if (parent == mine)
                {
                    return true;
                }
            }

            return false;
        }

        return parents.Keys.Where(pid => pid != mine && !registered.Contains(pid) && Descends(pid)).Sum(ProcessStats.ReadCpuMs);
    }

    private static (long Busy, long Total) ReadProcStat()
    {
        try
        {
            var fields = File.ReadLines("/proc/stat").First().Split(' ', StringSplitOptions.RemoveEmptyEntries).Skip(1)
                .Select(f => long.Parse(f, CultureInfo.InvariantCulture)).ToArray();
            // user nice system idle iowait irq softirq steal
            var busy = fields[0] + fields[1] + fields[2] + fields[5] + fields[6] + fields[7];
            return (busy, busy + fields[3] + fields[4]);
        }
        catch (Exception ex) when (ex is IOException or FormatException or InvalidOperationException or IndexOutOfRangeException)
        {
            return (0, 0);
        }
    }
}

/// <summary>Load while a section ran.</summary>
/// <param name="WallMs">Duration.</param>
/// <param name="OthersShare">CPU used by processes not ours, as a share of all cores.</param>
/// <param name="OursShare">CPU used by this run (harness, fake, API, browser), as a share of all cores.</param>
/// <param name="LoadAverage">/proc/loadavg at the end.</param>
public sealed record MachineLoad(double WallMs, double OthersShare, double OursShare, string LoadAverage)
{
    public override string ToString() =>
        $"{Fmt.N(WallMs / 1000, "0")} s; other processes used {Fmt.Percent(OthersShare)} of the {Environment.ProcessorCount} cores, this run {Fmt.Percent(OursShare)}; load average {LoadAverage}";
}

/// <summary>Samples a process's resident set from /proc while a phase runs (the peak between samples is caught by VmHWM).</summary>
public sealed class RssSampler : IAsyncDisposable
{
    private readonly CancellationTokenSource stop = new();
    private readonly Task loop;
    private long peakKb;

    public RssSampler(int pid, TimeSpan interval)
    {
        loop = Task.Run(async () =>
        {
            using var timer = new PeriodicTimer(interval);
            do
            {
                var kb = ProcessStats.ReadStatusKb(pid, "VmRSS:");
                if (kb > peakKb)
                {
                    peakKb = kb;
                }
            }
            while (await timer.WaitForNextTickAsync(stop.Token).ConfigureAwait(false));
        });
    }

    public long PeakBytes => Volatile.Read(ref peakKb) * 1024;

    public async ValueTask DisposeAsync()
    {
        await stop.CancelAsync();
        try
        {
            await loop;
        }
        catch (OperationCanceledException)
        {
            // Stopped.
        }

        stop.Dispose();
    }
}

/// <summary>What this machine is.</summary>
public static class MachineInfo
{
    public static string Describe()
    {
        var cpu = "?";
        try
        {
            cpu = File.ReadLines("/proc/cpuinfo").FirstOrDefault(l => l.StartsWith("model name", StringComparison.Ordinal))?.Split(':', 2)[1].Trim() ?? "?";
        }
        catch (IOException)
        {
            // Not Linux.
        }

        var memory = "";
        try
        {
            var line = File.ReadLines("/proc/meminfo").First(l => l.StartsWith("MemTotal:", StringComparison.Ordinal));
            var kb = long.Parse(line.Split(' ', StringSplitOptions.RemoveEmptyEntries)[1], CultureInfo.InvariantCulture);
            memory = $"{kb / 1024.0 / 1024:0} GB RAM";
        }
        catch (Exception ex) when (ex is IOException or InvalidOperationException or FormatException)
        {
            // Not Linux.
        }

        return $"{Environment.ProcessorCount} cores ({cpu}), {memory}, {RuntimeInformation.OSDescription}, .NET {Environment.Version}";
    }
}

using System.Diagnostics;

namespace MikuCloud.Bench;

/// <summary>Pins this process to its first allowed CPU until disposed (Linux and Windows; elsewhere it does nothing and says so).</summary>
public sealed class OneCore : IDisposable
{
    private readonly nint? previous;

    private OneCore(nint? previous) => this.previous = previous;

    /// <summary>Whether the pin took effect.</summary>
    public bool Pinned => previous is not null;

    public static OneCore Pin()
    {
        if (!OperatingSystem.IsLinux() && !OperatingSystem.IsWindows())
        {
            return new OneCore(null);
        }

        using var process = Process.GetCurrentProcess();
        var previous = process.ProcessorAffinity;
        // The lowest CPU this process may use (a container may not offer CPU 0).
        process.ProcessorAffinity = previous & -previous;
        return new OneCore(previous);
    }

    public void Dispose()
    {
        if (previous is { } mask && (OperatingSystem.IsLinux() || OperatingSystem.IsWindows()))
        {
            using var process = Process.GetCurrentProcess();
            process.ProcessorAffinity = mask;
        }
    }
}

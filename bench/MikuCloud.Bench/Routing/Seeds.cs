namespace MikuCloud.Bench.Routing;

/// <summary>
/// Derives the seeds of the simulation's random streams from the run's seed. Not <see cref="HashCode"/>, which is
/// randomised per process: the same seed must give the same run in every process.
/// </summary>
public static class Seeds
{
    /// <summary>Each user's workload stream.</summary>
    public const int UserStream = 1;

    /// <summary>Each API process's policy stream (where ClientIP pins it).</summary>
    public const int PolicyStream = 2;

    /// <summary>A seed for stream <paramref name="stream"/>, number <paramref name="index"/>, of the run seeded <paramref name="seed"/> (SplitMix64's finaliser).</summary>
    public static int Derive(int seed, int stream, int index)
    {
        var x = unchecked(((ulong)(uint)seed << 32) ^ ((ulong)(uint)stream << 24) ^ (uint)index);
        x = unchecked((x ^ (x >> 30)) * 0xBF58476D1CE4E5B9UL);
        x = unchecked((x ^ (x >> 27)) * 0x94D049BB133111EBUL);
        return (int)(x ^ (x >> 31));
    }
}

namespace MikuCloud.Bench;

/// <summary>Waiting for an API to be idle and done compiling, so a measurement does not start on tier-0 or instrumented code.</summary>
public static class ApiIdle
{
    /// <summary>
    /// Waits (up to 20 s) until the API compiles nothing and idles; returns the methods compiled meanwhile. .NET tiers
    /// methods up mostly while the load pauses, so a pause that compiles almost nothing means the code is at its final tier.
    /// </summary>
    public static async Task<long> SettleAsync(IApiHost api, CancellationToken cancellationToken)
    {
        var first = await api.StatsAsync(cancellationToken);
        var previous = first;
        for (var i = 0; i < 40; i++)
        {
            await Task.Delay(500, cancellationToken);
            var now = await api.StatsAsync(cancellationToken);
            var quiet = now.JitMethods - previous.JitMethods < 5 && (now.CpuMs - previous.CpuMs) * 2 < 20;
            previous = now;
            if (quiet && i > 0)
            {
                break;
            }
        }

        return previous.JitMethods - first.JitMethods;
    }
}

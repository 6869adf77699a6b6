using System.Diagnostics;

namespace MikuCloud.Tests;

/// <summary>Waiting in a test for something another process or thread makes true, failing by name when it never does.</summary>
internal static class Poll
{
    /// <summary>Checks <paramref name="condition"/> every <paramref name="every"/> until it holds; fails naming <paramref name="what"/> after <paramref name="timeout"/>.</summary>
    public static Task UntilAsync(Func<bool> condition, string what, TimeSpan timeout, TimeSpan? every = null) =>
        UntilAsync(() => Task.FromResult(condition()), what, timeout, every);

    /// <inheritdoc cref="UntilAsync(Func{bool}, string, TimeSpan, TimeSpan?)"/>
    public static async Task UntilAsync(Func<Task<bool>> condition, string what, TimeSpan timeout, TimeSpan? every = null)
    {
        var waited = Stopwatch.StartNew();
        while (!await condition())
        {
            Assert.True(waited.Elapsed < timeout, what);
            await Task.Delay(every ?? TimeSpan.FromMilliseconds(50), TestContext.Current.CancellationToken);
        }
    }
}

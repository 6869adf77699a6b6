using MikuCloud.Api.Limits;
using MikuCloud.Tests.Security;

namespace MikuCloud.Tests.Limits;

/// <summary>The in-process usage windows behind the request, token and sign-in limits of one API process.</summary>
public sealed class InProcessUsageWindowsTests
{
    private static readonly TimeSpan Minute = TimeSpan.FromMinutes(1);

    private static CancellationToken Ct => TestContext.Current.CancellationToken;
    private readonly ManualTime time = new(new DateTimeOffset(2026, 6, 15, 12, 0, 0, TimeSpan.Zero));

    [Fact]
    public async Task A_full_window_refuses_until_its_oldest_use_ages_out()
    {
        var windows = new InProcessUsageWindows(time);
        Assert.Null(await windows.TryAddAsync("requests:miku", 1, 3, Minute, Ct));
        time.Advance(TimeSpan.FromSeconds(20));
        Assert.Null(await windows.TryAddAsync("requests:miku", 1, 3, Minute, Ct));
        Assert.Null(await windows.TryAddAsync("requests:miku", 1, 3, Minute, Ct));

        Assert.Equal(TimeSpan.FromSeconds(40), await windows.TryAddAsync("requests:miku", 1, 3, Minute, Ct));
        Assert.Null(await windows.TryAddAsync("requests:rin", 1, 3, Minute, Ct)); // another key has its own window
        time.Advance(TimeSpan.FromSeconds(40));
        Assert.Null(await windows.TryAddAsync("requests:miku", 1, 3, Minute, Ct));
        Assert.NotNull(await windows.TryAddAsync("requests:miku", 1, 3, Minute, Ct)); // the two at 20 s still count
    }

    [Fact]
    public async Task Weighted_usage_at_the_limit_waits_until_enough_ages_out_and_clearing_forgets_it()
    {
        var windows = new InProcessUsageWindows(time);
        await windows.AddAsync("tokens:miku", 600, Minute, Ct);
        time.Advance(TimeSpan.FromSeconds(30));
        await windows.AddAsync("tokens:miku", 600, Minute, Ct);

        Assert.Equal(TimeSpan.FromSeconds(30), await windows.WaitAsync("tokens:miku", 1000, Minute, Ct));
        time.Advance(TimeSpan.FromSeconds(30));
        Assert.Null(await windows.WaitAsync("tokens:miku", 1000, Minute, Ct)); // 600 left, under 1000

        await windows.AddAsync("tokens:miku", 600, Minute, Ct);
        Assert.NotNull(await windows.WaitAsync("tokens:miku", 1000, Minute, Ct));
        await windows.ClearAsync("tokens:miku", Ct);
        Assert.Null(await windows.WaitAsync("tokens:miku", 1000, Minute, Ct));
    }

    [Fact]
    public async Task Keys_whose_windows_hold_nothing_are_swept_so_guessing_many_names_does_not_grow_memory()
    {
        var windows = new InProcessUsageWindows(time);
        for (var i = 0; i < 10_001; i++)
        {
            await windows.AddAsync($"signin:guess{i}", 1, TimeSpan.FromMinutes(5), Ct);
        }

        await windows.AddAsync("signin:recent", 1, TimeSpan.FromMinutes(5), Ct);
        time.Advance(TimeSpan.FromMinutes(4));
        await windows.AddAsync("signin:still-counting", 1, TimeSpan.FromMinutes(5), Ct);
        Assert.Equal(10_003, windows.Count); // nothing aged out yet: nothing swept

        time.Advance(TimeSpan.FromMinutes(2));
        await windows.AddAsync("signin:new", 1, TimeSpan.FromMinutes(5), Ct);
        Assert.Equal(2, windows.Count); // only the one still in its window, and the new one
        Assert.NotNull(await windows.TryAddAsync("signin:still-counting", 1, 1, TimeSpan.FromMinutes(5), Ct));
    }
}

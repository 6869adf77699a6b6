using MikuCloud.Api.Usage;

namespace MikuCloud.Tests.Usage;

/// <summary>How a window is cut into the rollup's periods, and where a time-to-first-token lands in the histogram.</summary>
public class UsageGrainTests
{
    private static DateTime At(int month, int day, int hour = 0) => new(2026, month, day, hour, 0, 0, DateTimeKind.Utc);

    [Fact]
    public void A_year_is_a_few_months_with_days_and_hours_at_its_edges_without_gaps_or_overlaps()
    {
        var cover = UsageGrain.Cover(new DateTime(2025, 12, 6, 14, 0, 0, DateTimeKind.Utc), At(12, 6, 14), UsageGrain.Month);

        Assert.Equal(new DateTime(2025, 12, 6, 14, 0, 0, DateTimeKind.Utc), cover[0].From);
        Assert.Equal(At(12, 6, 14), cover[^1].To);
        Assert.All(cover.Zip(cover.Skip(1)), pair => Assert.Equal(pair.First.To, pair.Second.From));
        Assert.Equal([UsageGrain.Hour, UsageGrain.Day, UsageGrain.Month, UsageGrain.Day, UsageGrain.Hour], cover.Select(s => s.Grain));
        Assert.Equal((At(1, 1), At(12, 1)), (cover[2].From, cover[2].To));
    }

    [Fact]
    public void A_window_inside_one_day_is_hours_only_and_whole_days_need_no_hours()
    {
        Assert.Equal([(UsageGrain.Hour, At(3, 2, 5), At(3, 2, 9))], UsageGrain.Cover(At(3, 2, 5), At(3, 2, 9), UsageGrain.Month));
        Assert.Equal([(UsageGrain.Day, At(3, 2), At(3, 9))], UsageGrain.Cover(At(3, 2), At(3, 9), UsageGrain.Month));
        Assert.Equal([(UsageGrain.Month, At(3, 1), At(5, 1))], UsageGrain.Cover(At(3, 1), At(5, 1), UsageGrain.Month));
    }

    [Theory]
    [InlineData(0.5, 10.0)]
    [InlineData(10.0, 10.0)]
    [InlineData(10.001, 11.942)]
    [InlineData(600_000.0, 600_000.0)]
    [InlineData(3_600_000.0, 600_000.0)]
    public void A_time_to_first_token_is_reported_as_its_bucket_s_upper_bound(double ms, double reported)
    {
        Assert.Equal(reported, TtftHistogram.UpperBoundMs(TtftHistogram.BucketOf(ms)!.Value), 3);
    }

    [Fact]
    public void Every_value_between_10_ms_and_10_minutes_is_reported_within_the_documented_resolution()
    {
        for (var ms = 10.0; ms <= 600_000; ms *= 1.0137)
        {
            var reported = TtftHistogram.UpperBoundMs(TtftHistogram.BucketOf(ms)!.Value);
            Assert.InRange(reported, ms, ms * 1.195);
        }

        Assert.Null(TtftHistogram.BucketOf(null));
        Assert.Equal(64, TtftHistogram.Columns.Count);
    }
}

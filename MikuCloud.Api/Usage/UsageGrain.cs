namespace MikuCloud.Api.Usage;

/// <summary>The periods <see cref="UsageRollup"/> keeps: hours for the edges of a window and short windows, days for the rest.</summary>
public static class UsageGrain
{
    public const int Hour = 0;
    public const int Day = 1;
}

namespace MikuCloud.Api.Usage;

/// <summary>What a <see cref="UsageRollup"/> row is about; each answer adds to one row of each, per hour and per day.</summary>
public static class UsageDimension
{
    public const string All = "all";
    public const string User = "user";
    public const string Model = "model";
    public const string Door = "door";

    /// <summary>The groupings the analytics offer (<c>by=</c>).</summary>
    public static readonly IReadOnlyList<string> Groupings = [User, Model, Door];
}

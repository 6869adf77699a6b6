namespace MikuCloud.Api.ScaleOut;

/// <summary>
/// Shared state across API processes (section <c>ScaleOut</c>), used when <c>ConnectionStrings:redis</c> is set.
/// </summary>
public sealed class ScaleOutOptions
{
    /// <summary>The configuration section.</summary>
    public const string SectionName = "ScaleOut";

    /// <summary>The connection name: <c>ConnectionStrings:redis</c> (a StackExchange.Redis configuration string).</summary>
    public const string ConnectionName = "redis";

    /// <summary>
    /// Seconds a slot lease (a user's answer being generated, a replica's generation slot) lives unless its process
    /// renews it (every second while it runs): how long a dead API process's slots stay taken. Default 15.
    /// </summary>
    public double LeaseSeconds { get; set; } = 15;

    /// <summary>Hours a conversation's replica is remembered after its last turn. Default 6.</summary>
    public double AffinityHours { get; set; } = 6;

    /// <summary>Prefix of every key this deployment writes, so several deployments can share one Redis. Default <c>mikucloud:</c>.</summary>
    public string KeyPrefix { get; set; } = "mikucloud:";

    /// <summary>The lease time.</summary>
    public TimeSpan Lease => TimeSpan.FromSeconds(Math.Max(1, LeaseSeconds));

    /// <summary>How often held leases are renewed and watched counts refreshed: a third of the lease, at most a second.</summary>
    public TimeSpan RenewEvery => TimeSpan.FromSeconds(Math.Min(1, Math.Max(1, LeaseSeconds) / 3));
}

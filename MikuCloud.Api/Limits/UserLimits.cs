namespace MikuCloud.Api.Limits;

/// <summary>
/// Per-user limits (<c>Limits</c> section). 0 means unlimited. In single-user mode a limit applies only when set
/// explicitly (one person on a laptop); in accounts mode the defaults below apply.
/// </summary>
public sealed class UserLimits
{
    public const string SectionName = "Limits";

    /// <summary>API requests per user per minute (sliding window), every endpoint included.</summary>
    public int RequestsPerMinute { get; set; }

    /// <summary>Prompt + answer tokens per user per minute; a turn is refused while the last minute's usage is at the limit.</summary>
    public int TokensPerMinute { get; set; }

    /// <summary>Answers being generated for one user at the same time.</summary>
    public int ConcurrentStreams { get; set; }

    /// <summary>Images one user may have stored (deleting conversations frees room).</summary>
    public int StoredImages { get; set; }

    public static readonly UserLimits AccountsDefaults = new()
    {
        RequestsPerMinute = 600,
        TokensPerMinute = 200_000,
        ConcurrentStreams = 4,
        StoredImages = 10_000,
    };

    public static UserLimits From(IConfiguration configuration, bool singleUser)
    {
        var section = configuration.GetSection(SectionName);
        var defaults = singleUser ? new UserLimits() : AccountsDefaults;
        return new UserLimits
        {
            RequestsPerMinute = Math.Max(0, section.GetValue<int?>(nameof(RequestsPerMinute)) ?? defaults.RequestsPerMinute),
            TokensPerMinute = Math.Max(0, section.GetValue<int?>(nameof(TokensPerMinute)) ?? defaults.TokensPerMinute),
            ConcurrentStreams = Math.Max(0, section.GetValue<int?>(nameof(ConcurrentStreams)) ?? defaults.ConcurrentStreams),
            StoredImages = Math.Max(0, section.GetValue<int?>(nameof(StoredImages)) ?? defaults.StoredImages),
        };
    }
}

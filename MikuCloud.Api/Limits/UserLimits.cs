namespace MikuCloud.Api.Limits;

/// <summary>
/// Per-user limits (<c>Limits</c> section). 0 means unlimited. A limit left unset gets the accounts-mode default
/// below; in single-user mode (one person on a laptop) an unset limit is off.
/// </summary>
public sealed class UserLimits
{
    public const string SectionName = "Limits";

    /// <summary>API requests per user per minute (sliding window), every endpoint included. Default 600.</summary>
    public int? RequestsPerMinute { get; set; }

    /// <summary>Prompt + answer tokens per user per minute; a turn is refused while the last minute's usage is at the limit. Default 200,000.</summary>
    public int? TokensPerMinute { get; set; }

    /// <summary>Answers being generated for one user at the same time (per API instance). Default 4.</summary>
    public int? ConcurrentStreams { get; set; }

    /// <summary>Images one user may have stored (deleting conversations frees room). Default 10,000.</summary>
    public int? StoredImages { get; set; }

    public int Requests => Math.Max(0, RequestsPerMinute.GetValueOrDefault());

    public int Tokens => Math.Max(0, TokensPerMinute.GetValueOrDefault());

    public int Streams => Math.Max(0, ConcurrentStreams.GetValueOrDefault());

    public int Images => Math.Max(0, StoredImages.GetValueOrDefault());

    /// <summary>Fills what configuration left unset.</summary>
    public void ApplyDefaults(bool singleUser)
    {
        RequestsPerMinute ??= singleUser ? 0 : 600;
        TokensPerMinute ??= singleUser ? 0 : 200_000;
        ConcurrentStreams ??= singleUser ? 0 : 4;
        StoredImages ??= singleUser ? 0 : 10_000;
    }
}

namespace MikuCloud.Cli;

/// <summary>
/// What <c>miku</c>'s exit code means, for scripts: the same table is in <c>miku --help</c> and the README.
/// </summary>
public static class ExitCodes
{
    /// <summary>Done: the answer streamed, or every item of the batch completed.</summary>
    public const int Success = 0;

    /// <summary>The command line is wrong (unknown option, missing prompt, no images found), or the API refused the request as invalid.</summary>
    public const int Usage = 1;

    /// <summary>The API refused the key (401/403): missing, wrong, expired or disabled.</summary>
    public const int Auth = 2;

    /// <summary>The API could not be reached, or answered with a server error (5xx).</summary>
    public const int Unreachable = 3;

    /// <summary>The batch finished but some items failed or were refused; the results are still written.</summary>
    public const int SomeItemsFailed = 4;

    /// <summary>The batch was cancelled or failed as a whole, or the chat answer ended with an error.</summary>
    public const int WorkFailed = 5;

    /// <summary>Interrupted with Ctrl+C; run the same batch command again to resume.</summary>
    public const int Interrupted = 130;

    /// <summary>The table printed by <c>miku --help</c> (and repeated in the README).</summary>
    public static IReadOnlyList<(int Code, string Meaning)> Table { get; } =
    [
        (Success, "success (the answer streamed; every batch item completed)"),
        (Usage, "usage error, or the API refused the request as invalid"),
        (Auth, "authentication: the key is missing, wrong, expired or disabled (401/403)"),
        (Unreachable, "the API is unreachable or answered with a server error"),
        (SomeItemsFailed, "some batch items failed or were refused (results still written)"),
        (WorkFailed, "the batch was cancelled or failed, or the answer ended in an error"),
        (Interrupted, "interrupted with Ctrl+C (run the same batch command again to resume)"),
    ];
}

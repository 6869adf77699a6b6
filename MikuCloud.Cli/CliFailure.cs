namespace MikuCloud.Cli;

/// <summary>
/// A failure the user should read as one line (no stack trace) and a script should read as <see cref="ExitCode"/>.
/// </summary>
public sealed class CliFailure(int exitCode, string message, Exception? inner = null) : Exception(message, inner)
{
    /// <summary>One of <see cref="ExitCodes"/>.</summary>
    public int ExitCode { get; } = exitCode;
}

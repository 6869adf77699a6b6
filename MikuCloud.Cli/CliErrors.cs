using Spectre.Console.Cli;

namespace MikuCloud.Cli;

/// <summary>Turns whatever ended a command into one line on stderr and its exit code; never a stack trace.</summary>
public static class CliErrors
{
    /// <summary>The <c>CommandApp</c> exception handler.</summary>
    public static int Report(Exception exception, ITypeResolver? resolver)
    {
        ArgumentNullException.ThrowIfNull(exception);
        var (code, line) = exception switch
        {
            CliFailure failure => (failure.ExitCode, failure.Message),
            OperationCanceledException => (ExitCodes.Interrupted, "Interrupted. Run the same command again to resume."),
            CommandAppException app => (ExitCodes.Usage, $"{app.Message} (see miku --help)"),
            _ => (ExitCodes.Usage, $"{exception.GetType().Name}: {exception.Message}"),
        };
        Console.Out.Flush();
        Console.Error.WriteLine($"miku: {line}");
        return code;
    }
}

using System.Data.Common;
using System.Net.Sockets;
using System.Reflection;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Console;
using Microsoft.Extensions.Options;

namespace Microsoft.Extensions.Hosting;

/// <summary>
/// A start that cannot succeed because of how the app is set up (configuration, a Modelfile, the database, the port) is
/// a refusal, not a crash: the person starting it gets one line on stderr and exit code 1, never a stack trace. Only when
/// the app is the process: hosted inside another one (WebApplicationFactory runs the entry point in the test process)
/// the exception propagates, so the host that started it sees why.
/// </summary>
public static class StartupRefusal
{
    /// <summary>
    /// The one line for a startup refusal, or <c>null</c> when <paramref name="exception"/> is not one (a bug keeps its
    /// stack trace). Refusals: options validation, <see cref="StartupRefusedException"/> (what the apps throw for bad
    /// settings, Modelfiles and loopback-only modes), a database that does not answer, and an address that cannot be bound.
    /// </summary>
    public static string? Describe(Exception exception)
    {
        ArgumentNullException.ThrowIfNull(exception);
        for (Exception? current = exception; current is not null; current = current.InnerException)
        {
            switch (current)
            {
                case OptionsValidationException invalid:
                    return string.Join(" ", invalid.Failures);
                case StartupRefusedException refused:
                    return refused.Message;
                case DbException database:
                    return $"The database cannot be used: {FirstLine(database.Message)}";
                // Kestrel: "Failed to bind to address http://127.0.0.1:5380: address already in use."
                case IOException bind when bind.Message.StartsWith("Failed to bind", StringComparison.Ordinal):
                    return FirstLine(bind.Message);
                case SocketException socket:
                    return FirstLine(socket.Message);
                case AggregateException { InnerExceptions.Count: 1 } aggregate:
                    return Describe(aggregate.InnerExceptions[0]);
            }
        }

        return null;
    }

    /// <summary>
    /// Runs the app and returns its exit code: 0, or 1 with <see cref="Describe"/>'s line on stderr when the start is
    /// refused. Call <see cref="ExplainRefusals"/> first in <c>Program</c> so refusals while building get the same line.
    /// </summary>
    public static int RunOrExplain(this WebApplication app)
    {
        ArgumentNullException.ThrowIfNull(app);
        // Read before running: a host that failed to start is disposed, its services with it.
        var isTheProcess = string.Equals(Assembly.GetEntryAssembly()?.GetName().Name, app.Environment.ApplicationName, StringComparison.Ordinal);
        try
        {
            app.Run();
            return 0;
        }
        catch (Exception ex) when (isTheProcess && Describe(ex) is { } line)
        {
            Console.Error.WriteLine(line);
            return 1;
        }
    }

    /// <summary>
    /// In the process of <paramref name="app"/> only: a refusal thrown before <see cref="RunOrExplain"/> (while the app
    /// is being built: settings, Modelfiles) ends the process with its one line and exit code 1 instead of the
    /// runtime's unhandled-exception report.
    /// </summary>
    public static void ExplainRefusals(Assembly app)
    {
        ArgumentNullException.ThrowIfNull(app);
        if (Assembly.GetEntryAssembly() != app)
        {
            return;
        }

        AppDomain.CurrentDomain.UnhandledException += (_, e) =>
        {
            if (e.ExceptionObject is Exception ex && Describe(ex) is { } line)
            {
                Console.Error.WriteLine(line);
                // Before the runtime prints the stack trace and aborts (exit code 134).
                Environment.Exit(1);
            }
        };
    }

    /// <summary>
    /// The generic host logs a failed start as "Hosting failed to start" with the whole stack trace, before the
    /// exception reaches <see cref="RunOrExplain"/>. On the console only, keep that category to Critical: what it logs
    /// at Critical (a background service stopping the host) still shows, the exporters still get everything, and a
    /// start that fails for an unknown reason still ends with the runtime's full report.
    /// </summary>
    public static ILoggingBuilder AddStartupRefusalConsoleFilter(this ILoggingBuilder logging)
    {
        ArgumentNullException.ThrowIfNull(logging);
        return logging.AddFilter<ConsoleLoggerProvider>("Microsoft.Extensions.Hosting.Internal.Host", LogLevel.Critical);
    }

    private static string FirstLine(string text) => text.Split('\n')[0].Trim();
}

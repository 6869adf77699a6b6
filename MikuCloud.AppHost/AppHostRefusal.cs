using System.Net.Sockets;
using System.Reflection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Console;
using MikuCloud.AppHost.Ollama;
using MikuCloud.HouseModels;

namespace MikuCloud.AppHost;

/// <summary>
/// The AppHost's startup refusals: one line on stderr and exit code 1, the rule the API and the Web follow
/// (<c>StartupRefusal</c> in ServiceDefaults, which the AppHost does not reference: it orchestrates the services, it is
/// not one). Only when the AppHost is the process: Aspire's testing builder runs it inside a test, which must see the
/// exception itself.
/// </summary>
internal static class AppHostRefusal
{
    /// <summary>Is the AppHost the process (not hosted by a test)?</summary>
    public static bool IsTheProcess => Assembly.GetEntryAssembly() == typeof(AppHostRefusal).Assembly;

    /// <summary>
    /// The line for a refused start, or <c>null</c> for anything else (a bug keeps its stack trace): no container engine,
    /// a Modelfile error, a setting the model cannot be built with, an address already in use.
    /// </summary>
    public static string? Describe(Exception exception)
    {
        for (Exception? current = exception; current is not null; current = current.InnerException)
        {
            switch (current)
            {
                case ContainerRuntimeUnavailableException or ModelfileException:
                    return current.Message;
                // The settings readers (Ollama:*, Database:Provider, Parameters:*) and Modelfiles folder lookups say
                // what is wrong in these types while the model is built.
                case InvalidOperationException or ArgumentException or FormatException or DirectoryNotFoundException:
                    return current.Message;
                // Kestrel (the dashboard's resource service, OTLP): "Failed to bind to address …: address already in use."
                case IOException bind when bind.Message.StartsWith("Failed to bind", StringComparison.Ordinal):
                    return bind.Message;
                case SocketException socket:
                    return socket.Message;
            }
        }

        return null;
    }

    /// <summary>
    /// The generic host logs a failed start ("Hosting failed to start") with its stack trace before the exception gets
    /// here; on the console keep that category to Critical (a refusal is then one line, an unknown failure still ends
    /// with the runtime's full report).
    /// </summary>
    public static ILoggingBuilder AddAppHostRefusalConsoleFilter(this ILoggingBuilder logging) =>
        logging.AddFilter<ConsoleLoggerProvider>("Microsoft.Extensions.Hosting.Internal.Host", LogLevel.Critical);
}

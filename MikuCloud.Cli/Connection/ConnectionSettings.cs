using System.ComponentModel;
using Spectre.Console.Cli;

namespace MikuCloud.Cli.Connection;

/// <summary>The options every command shares: where the API is and the personal API key (flags win over the environment).</summary>
public class ConnectionSettings : CommandSettings
{
    /// <summary>The environment variable with the API's address.</summary>
    public const string UrlVariable = "MIKU_URL";

    /// <summary>The environment variable with the personal API key.</summary>
    public const string KeyVariable = "MIKU_KEY";

    [CommandOption("--url <URL>")]
    [Description("The MikuCloud API's address, e.g. http://localhost:5380 (default: $MIKU_URL).")]
    public string? Url { get; init; }

    [CommandOption("--key <KEY>")]
    [Description("A personal API key, mkc_… (default: $MIKU_KEY). Create one on the Web's Account page.")]
    public string? Key { get; init; }
}

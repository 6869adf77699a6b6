using System.ComponentModel;
using MikuCloud.Cli.Connection;
using Spectre.Console.Cli;

namespace MikuCloud.Cli.Batches;

/// <summary><c>miku batch status|cancel &lt;id&gt;</c>.</summary>
public class BatchIdSettings : ConnectionSettings
{
    [CommandArgument(0, "<ID>")]
    [Description("The batch's id (printed when it was created).")]
    public Guid Id { get; init; }
}

using MikuCloud.Cli.Connection;
using Spectre.Console;
using Spectre.Console.Cli;
using Spectre.Console.Cli.Help;
using Spectre.Console.Rendering;

namespace MikuCloud.Cli;

/// <summary>Spectre's help, with what every command shares at the end: where the key comes from and the exit codes.</summary>
public sealed class MikuHelpProvider(ICommandAppSettings settings) : HelpProvider(settings)
{
    public override IEnumerable<IRenderable> GetFooter(ICommandModel model, ICommandInfo? command) =>
    [
        .. base.GetFooter(model, command),
        new Text(Environment.NewLine),
        new Markup($"[yellow]ENVIRONMENT:[/]{Environment.NewLine}    {ConnectionSettings.UrlVariable}    the API's address (or --url){Environment.NewLine}" +
                   $"    {ConnectionSettings.KeyVariable}    a personal API key mkc_… (or --key); never printed{Environment.NewLine}{Environment.NewLine}"),
        new Markup($"[yellow]EXIT CODES:[/]{Environment.NewLine}" +
                   string.Concat(ExitCodes.Table.Select(row => $"    {row.Code,-3}    {Markup.Escape(row.Meaning)}{Environment.NewLine}"))),
    ];
}

using MikuCloud.Cli.Connection;
using Spectre.Console;
using Spectre.Console.Cli;

namespace MikuCloud.Cli.Batches;

/// <summary><c>miku batch status &lt;id&gt;</c>: the batch's counts, throughput and ETA as a small table on stdout.</summary>
public sealed class BatchStatusCommand : AsyncCommand<BatchIdSettings>
{
    public override async Task<int> ExecuteAsync(CommandContext context, BatchIdSettings settings, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(settings);
        using var client = new MikuApiClient(MikuEndpoint.From(settings));
        var batch = await new BatchApi(client).GetAsync(settings.Id, cancellationToken);
        var table = new Table().HideHeaders().AddColumns("", "");
        table.AddRow("id", batch.Id.ToString());
        table.AddRow("name", Markup.Escape(batch.Name));
        table.AddRow("status", batch.Status);
        table.AddRow("items", $"{batch.Total} total · {batch.Queued} queued · {batch.Running} running · {batch.Completed} completed · {batch.Failed} failed · {batch.Cancelled} cancelled");
        table.AddRow("tokens", $"{batch.InputTokens} in · {batch.OutputTokens} out");
        table.AddRow("speed", batch.ItemsPerSecond is { } rate ? $"{rate:0.0} items/s" : "–");
        table.AddRow("eta", batch.EtaSeconds is { } eta ? TimeSpan.FromSeconds(Math.Round(eta)).ToString() : "–");
        AnsiConsole.Write(table);
        return ExitCodes.Success;
    }
}

using MikuCloud.Cli.Connection;
using Spectre.Console.Cli;

namespace MikuCloud.Cli.Batches;

/// <summary><c>miku batch cancel &lt;id&gt;</c>: stops the batch; finished items keep their results.</summary>
public sealed class BatchCancelCommand : AsyncCommand<BatchIdSettings>
{
    public override async Task<int> ExecuteAsync(CommandContext context, BatchIdSettings settings, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(settings);
        using var client = new MikuApiClient(MikuEndpoint.From(settings));
        var batch = await new BatchApi(client).CancelAsync(settings.Id, cancellationToken);
        await Console.Out.WriteLineAsync($"Batch {batch.Id} {batch.Status}: {batch.Completed} completed, {batch.Failed} failed, {batch.Cancelled} cancelled.");
        return ExitCodes.Success;
    }
}

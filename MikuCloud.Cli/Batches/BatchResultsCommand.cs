using MikuCloud.Cli.Connection;
using Spectre.Console.Cli;

namespace MikuCloud.Cli.Batches;

/// <summary><c>miku batch results &lt;id&gt; --out f</c>: downloads the results as they stand (also while the batch runs).</summary>
public sealed class BatchResultsCommand : AsyncCommand<BatchResultsSettings>
{
    public override async Task<int> ExecuteAsync(CommandContext context, BatchResultsSettings settings, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(settings);
        using var client = new MikuApiClient(MikuEndpoint.From(settings));
        var bytes = await new BatchApi(client).DownloadResultsAsync(settings.Id, ResultsFormat.Of(settings.Out)!, Path.GetFullPath(settings.Out), cancellationToken);
        await Console.Error.WriteLineAsync($"{bytes:N0} bytes → {settings.Out}");
        return ExitCodes.Success;
    }
}

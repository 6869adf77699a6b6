using MikuCloud.Contracts;

namespace MikuCloud.Cli.Batches;

/// <summary>
/// One batch from its draft to its results file: upload what is missing, start, follow, download; the state file
/// records each step, and is deleted once the results are written.
/// </summary>
public sealed class BatchJob(BatchApi api, BatchState state, string statePath)
{
    /// <summary>Whether the batch has been started (an interruption no longer stops it).</summary>
    public bool Started => state.Started;

    /// <summary>Uploads, starts and follows the batch; returns it finished.</summary>
    public async Task<BatchDto> RunAsync(IReadOnlyList<BatchInput> inputs, BatchProgressView view, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(view);
        if (!state.Started)
        {
            state = await new BatchUploader(api, statePath).UploadAsync(state, inputs, view.Uploaded, cancellationToken);
            await StartAsync(cancellationToken);
        }

        return await new BatchFollower(api).FollowAsync(state.BatchId, view.Progress, cancellationToken);
    }

    /// <summary>Downloads the results, prints the summary, forgets the state, and says how it went as an exit code.</summary>
    public async Task<int> FinishAsync(BatchDto batch, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(batch);
        var format = ResultsFormat.Of(state.Out) ?? "jsonl";
        await api.DownloadResultsAsync(batch.Id, format, state.Out, cancellationToken);
        RefusedResults.Append(state.Out, format, batch.Total, state.Refused);
        File.Delete(statePath);

        foreach (var refused in state.Refused)
        {
            await Console.Error.WriteLineAsync($"refused: {refused.File}: {refused.Message} ({refused.Code})");
        }

        await Console.Out.WriteLineAsync($"Batch {batch.Id} {batch.Status}: {batch.Completed} completed, {batch.Failed} failed, " +
                                         $"{batch.Cancelled} cancelled, {state.Refused.Count} refused → {state.Out}");
        return batch.Status switch
        {
            BatchStatus.Completed when batch.Failed == 0 && state.Refused.Count == 0 => ExitCodes.Success,
            BatchStatus.Completed => ExitCodes.SomeItemsFailed,
            _ => ExitCodes.WorkFailed,
        };
    }

    private async Task StartAsync(CancellationToken cancellationToken)
    {
        try
        {
            await api.StartAsync(state.BatchId, cancellationToken);
        }
        catch (CliFailure failure) when (failure.ExitCode == ExitCodes.Usage)
        {
            // Started already by a run that was interrupted before it could record it: that is what we wanted.
            if ((await api.GetAsync(state.BatchId, cancellationToken)).Status == BatchStatus.Draft)
            {
                throw;
            }
        }

        state = state with { Started = true };
        state.Save(statePath);
    }
}

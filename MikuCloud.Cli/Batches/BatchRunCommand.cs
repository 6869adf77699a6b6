using System.Text.Json.Nodes;
using MikuCloud.Cli.Connection;
using Spectre.Console.Cli;

namespace MikuCloud.Cli.Batches;

/// <summary>
/// <c>miku batch &lt;folder-or-files…&gt; -p "prompt"</c>: creates a draft batch, uploads the images in chunks, starts
/// it, follows its progress and downloads the results to <c>--out</c>. Every step is recorded in the state file beside
/// <c>--out</c>, so running the same command again after an interruption resumes where it stopped.
/// </summary>
public sealed class BatchRunCommand : AsyncCommand<BatchRunSettings>
{
    public override async Task<int> ExecuteAsync(CommandContext context, BatchRunSettings settings, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(settings);
        var endpoint = MikuEndpoint.From(settings);
        using var client = new MikuApiClient(endpoint);
        var api = new BatchApi(client);
        var statePath = settings.Resume is { } resume ? Path.GetFullPath(resume) : BatchState.PathFor(settings.Out);
        var state = BatchState.Load(statePath);
        if (state is not null)
        {
            EnsureSameJob(state, settings, endpoint, statePath);
            await Console.Error.WriteLineAsync($"Resuming batch {state.BatchId} ({(state.Started ? "following it" : $"{state.Uploaded.Count} files uploaded")}).");
        }

        var (inputs, skipped) = BatchInputs.Find(state?.Paths ?? settings.Paths);
        if (skipped > 0)
        {
            await Console.Error.WriteLineAsync($"Skipped {skipped} files that are not images or zips.");
        }

        if (state is null)
        {
            if (inputs.Count == 0)
            {
                throw new CliFailure(ExitCodes.Usage, "No images (jpg, jpeg, png, webp, gif) or zips found there.");
            }

            var batch = await api.CreateDraftAsync(Draft(settings), cancellationToken);
            state = new BatchState
            {
                Url = endpoint.BaseAddress.ToString(), BatchId = batch.Id, Prompt = settings.Prompt!,
                Out = Path.GetFullPath(settings.Out), Paths = settings.Paths.Select(Path.GetFullPath).ToList(),
            };
            state.Save(statePath);
            await Console.Error.WriteLineAsync($"Batch {batch.Id} created; uploading {inputs.Count} files.");
        }

        var job = new BatchJob(api, state, statePath);
        try
        {
            var finished = await BatchProgressView.ShowAsync(view => job.RunAsync(inputs, view, cancellationToken));
            return await job.FinishAsync(finished, cancellationToken);
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            throw new CliFailure(ExitCodes.Interrupted, job.Started
                ? $"Interrupted; batch {state.BatchId} goes on on the server. Run the same command to follow it and get the results, or: miku batch cancel {state.BatchId}"
                : $"Interrupted; the upload is saved. Run the same command again to go on with batch {state.BatchId}.");
        }
    }

    private static void EnsureSameJob(BatchState state, BatchRunSettings settings, MikuEndpoint endpoint, string statePath)
    {
        if (settings.Resume is not null)
        {
            return;
        }

        if (state.Url != endpoint.BaseAddress.ToString() || (settings.Prompt is { } prompt && prompt != state.Prompt))
        {
            throw new CliFailure(ExitCodes.Usage,
                $"{statePath} belongs to another batch ({state.BatchId} on {state.Url}); resume it with --resume, or delete it (or choose another --out) to start a new one.");
        }
    }

    private static BatchDraft Draft(BatchRunSettings settings)
    {
        if (settings.Options is { } options)
        {
            try
            {
                _ = JsonNode.Parse(options) as JsonObject ?? throw new CliFailure(ExitCodes.Usage, "--options must be a JSON object, e.g. '{\"temperature\":0.2}'.");
            }
            catch (System.Text.Json.JsonException ex)
            {
                throw new CliFailure(ExitCodes.Usage, $"--options is not JSON: {ex.Message}", ex);
            }
        }

        var name = settings.Name ?? Path.GetFileName(Path.TrimEndingDirectorySeparator(Path.GetFullPath(settings.Paths[0])));
        return new BatchDraft(settings.Prompt!, name, settings.Preset, settings.Options,
            settings.Schema is { } schema ? File.ReadAllText(schema) : null, settings.KeepImages);
    }
}

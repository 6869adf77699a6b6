using System.Text.Json;
using MikuCloud.Contracts;

namespace MikuCloud.Cli.Batches;

/// <summary>
/// Follows a running batch until it finishes: the <c>events</c> stream while it flows, polling
/// <c>GET /api/batches/{id}</c> when the stream is not there or breaks (a proxy that cuts long responses).
/// </summary>
public sealed class BatchFollower(BatchApi api)
{
    /// <summary>How often the fallback asks for the batch.</summary>
    public static TimeSpan PollInterval { get; } = TimeSpan.FromSeconds(1);

    /// <summary>Reports each new state of the batch to <paramref name="update"/> and returns the finished batch.</summary>
    public async Task<BatchDto> FollowAsync(Guid id, Action<BatchDto> update, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(update);
        var latest = await api.GetAsync(id, cancellationToken);
        update(latest);
        if (BatchStatus.IsFinished(latest.Status))
        {
            return latest;
        }

        try
        {
            using var response = await api.EventsAsync(id, cancellationToken);
            await foreach (var e in api.Client.EventsAsync(response, cancellationToken))
            {
                if (e.EventType == "progress")
                {
                    update(JsonSerializer.Deserialize<BatchProgressEvent>(e.Data, ApiJson.Options)!.Batch);
                }
                else if (e.EventType == "done")
                {
                    var done = JsonSerializer.Deserialize<BatchDto>(e.Data, ApiJson.Options)!;
                    update(done);
                    return done;
                }
            }
        }
        catch (CliFailure failure) when (failure.ExitCode is ExitCodes.Usage or ExitCodes.Unreachable)
        {
            // No events endpoint here, or the stream broke: polling still gets there (a real outage fails it too).
        }
        catch (JsonException)
        {
            // An event of a shape this version does not know: polling speaks the stable one.
        }

        while (true)
        {
            latest = await api.GetAsync(id, cancellationToken);
            update(latest);
            if (BatchStatus.IsFinished(latest.Status))
            {
                return latest;
            }

            await Task.Delay(PollInterval, cancellationToken);
        }
    }
}

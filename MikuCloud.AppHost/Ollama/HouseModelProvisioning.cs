using System.Globalization;
using Microsoft.Extensions.Logging;
using MikuCloud.HouseModels;

namespace MikuCloud.AppHost.Ollama;

/// <summary>
/// One run of provisioning for a model resource, publishing each step to the dashboard:
/// Waiting → Downloading NN% → Creating → Running, or FailedToStart with Ollama's own message.
/// </summary>
internal sealed class HouseModelProvisioning(OllamaModelResource resource, ResourceNotificationService notifications, ILogger logger)
{
    private static readonly TimeSpan PollInterval = TimeSpan.FromSeconds(1);
    private int lastPercent = -1;

    public async Task RunAsync(CancellationToken cancellationToken)
    {
        try
        {
            await PublishAsync("Waiting for Ollama", KnownResourceStateStyles.Info).ConfigureAwait(false);
            var client = await WaitForServerAsync(cancellationToken).ConfigureAwait(false);

            await notifications.PublishUpdateAsync(resource, s => s with
            {
                State = KnownResourceStates.Starting,
                StartTimeStamp = DateTime.UtcNow,
            }).ConfigureAwait(false);

            var progress = new InlineProgress(OnProgress);
            var result = await new HouseModelProvisioner(client).EnsureAsync(resource.Model, progress, cancellationToken).ConfigureAwait(false);
            logger.LogInformation("{Model} is ready (pulled: {Pulled}, created: {Created}).", resource.Model.Name, result.Pulled, result.Created);

            await notifications.PublishUpdateAsync(resource, s => s with
            {
                State = KnownResourceStates.Running,
                Properties = [.. s.Properties.Where(p => p.Name != "progress"), new("progress", "ready")],
            }).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            // The AppHost is shutting down.
        }
        catch (Exception ex)
        {
            logger.LogError("Could not provision {Model}: {Message}", resource.Model.Name, ex.Message);
            await notifications.PublishUpdateAsync(resource, s => s with
            {
                State = new ResourceStateSnapshot(KnownResourceStates.FailedToStart, KnownResourceStateStyles.Error),
                Properties = [.. s.Properties.Where(p => p.Name != "error"), new("error", ex.Message)],
            }).ConfigureAwait(false);
        }
    }

    private async Task<OllamaModelClient> WaitForServerAsync(CancellationToken cancellationToken)
    {
        var loggedWaiting = false;
        while (true)
        {
            cancellationToken.ThrowIfCancellationRequested();
            try
            {
                var connection = await resource.Parent.GetConnectionStringAsync(cancellationToken).ConfigureAwait(false);
                if (!string.IsNullOrWhiteSpace(connection))
                {
                    var endpoint = OllamaConnectionString.Parse(connection).Endpoint;
                    var version = await OllamaClients.For(endpoint, TimeSpan.FromSeconds(10)).GetVersionAsync(cancellationToken).ConfigureAwait(false);
                    logger.LogInformation("Ollama {Version} answers; provisioning {Model} from {From}.", version, resource.Model.Name, resource.Model.From);
                    // Pulls run for many minutes: no per-call timeout; the AppHost's shutdown cancels.
                    return OllamaClients.For(endpoint, Timeout.InfiniteTimeSpan);
                }
            }
            catch (Exception ex) when (ex is HttpRequestException or OllamaApiException or TaskCanceledException && !cancellationToken.IsCancellationRequested)
            {
                if (!loggedWaiting)
                {
                    logger.LogInformation("Waiting for the Ollama server: {Message}", ex.Message);
                    loggedWaiting = true;
                }
            }

            await Task.Delay(PollInterval, cancellationToken).ConfigureAwait(false);
        }
    }

    private void OnProgress(ProvisionProgress p)
    {
        switch (p.Stage)
        {
            case ProvisionStage.Pulling when p.Percent is { } percent:
                // Publish each whole percent once: a 6 GB pull emits thousands of lines.
                var whole = (int)percent;
                if (whole != Interlocked.Exchange(ref lastPercent, whole))
                {
                    logger.LogInformation("Downloading {From}: {Percent}%", resource.Model.From, whole);
                    Publish($"Downloading {whole}%", whole.ToString(CultureInfo.InvariantCulture) + "%");
                }

                break;
            case ProvisionStage.Pulling:
                Publish("Downloading", p.Message);
                break;
            case ProvisionStage.Uploading:
                logger.LogInformation("{Model}: {Status}", resource.Model.Name, p.Message);
                Publish("Uploading adapter", p.Message);
                break;
            case ProvisionStage.Creating:
                logger.LogInformation("Creating {Model}: {Status}", resource.Model.Name, p.Message);
                Publish("Creating", p.Message);
                break;
        }
    }

    private void Publish(string state, string progress) =>
        _ = notifications.PublishUpdateAsync(resource, s => s with
        {
            State = new ResourceStateSnapshot(state, KnownResourceStateStyles.Info),
            Properties = [.. s.Properties.Where(x => x.Name != "progress"), new("progress", progress)],
        });

    private Task PublishAsync(string state, string style) =>
        notifications.PublishUpdateAsync(resource, s => s with { State = new ResourceStateSnapshot(state, style) });

    private sealed class InlineProgress(Action<ProvisionProgress> report) : IProgress<ProvisionProgress>
    {
        public void Report(ProvisionProgress value) => report(value);
    }
}

/// <summary>Builds <see cref="OllamaModelClient"/>s for a server address over one shared connection pool.</summary>
internal static class OllamaClients
{
    private static readonly SocketsHttpHandler Handler = new() { PooledConnectionLifetime = TimeSpan.FromMinutes(5) };

    /// <summary>A client for <paramref name="endpoint"/>; <paramref name="timeout"/> bounds each call (pulls use infinite).</summary>
    public static OllamaModelClient For(Uri endpoint, TimeSpan timeout) =>
        new(new HttpClient(Handler, disposeHandler: false) { BaseAddress = endpoint, Timeout = timeout });
}

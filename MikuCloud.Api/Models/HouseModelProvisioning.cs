using System.Collections.Concurrent;
using MikuCloud.HouseModels;

namespace MikuCloud.Api.Models;

/// <summary>
/// Pulls and creates house models in the background at an admin's request (turning an optional model on, re-creating
/// one after its Modelfile changed), keeping each model's latest progress in memory for the Models page. One run per
/// model at a time; a run outlives the request that started it and stops with the API. With several Ollama replicas it
/// runs on all of them at once (a turn may go to any): ready when every replica is, failed when one fails.
/// </summary>
public sealed class HouseModelProvisioning(OllamaRuntimeProbe probe, TimeProvider time, IHostApplicationLifetime lifetime,
    ILogger<HouseModelProvisioning> logger)
{
    private readonly ConcurrentDictionary<string, ModelProgressDto> progress = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, Task> running = new(StringComparer.Ordinal);

    /// <summary>The latest progress of <paramref name="name"/>, or null when nothing was asked of it since the API started.</summary>
    public ModelProgressDto? ProgressOf(string name) => progress.GetValueOrDefault(ModelName.Normalize(name));

    /// <summary>Whether a pull or create of <paramref name="name"/> is running now.</summary>
    public bool IsRunning(string name) => running.ContainsKey(ModelName.Normalize(name));

    /// <summary>
    /// Makes <paramref name="model"/> exist in Ollama as its Modelfile says (<see cref="HouseModelProvisioner.EnsureAsync"/>),
    /// in the background; <paramref name="ollamaName"/> is the name Ollama knows it by. Returns the run (already running: that one).
    /// </summary>
    public Task Start(HouseModel model, string ollamaName)
    {
        ArgumentNullException.ThrowIfNull(model);
        var key = ModelName.Normalize(ollamaName);
        var started = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        if (!running.TryAdd(key, started.Task))
        {
            return running[key];
        }

        Report(key, ModelProgressStage.Checking, null, $"Looking for {ollamaName}");
        var target = ModelName.AreSame(ollamaName, model.Name) ? model : model.WithName(ollamaName);
        _ = Task.Run(async () =>
        {
            try
            {
                var clients = probe.Clients();
                var report = new ReplicaProvisionProgress([.. clients.Select(c => c.Replica)], p => Report(key, Stage(p.Stage), p.Percent, p.Message));
                await Task.WhenAll(clients.Select(c => new HouseModelProvisioner(c.Client).EnsureAsync(target, report.For(c.Replica), lifetime.ApplicationStopping)));
            }
            catch (Exception ex) when (ex is HttpRequestException or OllamaApiException or OperationCanceledException)
            {
                // Ollama's own words (a pull that failed, a bad FROM) are what an admin needs to act; no user content here.
                logger.LogWarning("Provisioning {Model} failed: {Reason}", ollamaName, ex.Message);
                Report(key, ModelProgressStage.Failed, null, ex.Message);
            }
            finally
            {
                probe.Forget();
                running.TryRemove(key, out _);
                started.TrySetResult();
            }
        });
        return started.Task;
    }

    private void Report(string key, string stage, double? percent, string message) =>
        progress[key] = new ModelProgressDto(stage, percent, message, time.GetUtcNow());

    private static string Stage(ProvisionStage stage) => stage switch
    {
        ProvisionStage.Pulling => ModelProgressStage.Pulling,
        ProvisionStage.Creating => ModelProgressStage.Creating,
        ProvisionStage.Ready => ModelProgressStage.Ready,
        _ => ModelProgressStage.Checking,
    };
}

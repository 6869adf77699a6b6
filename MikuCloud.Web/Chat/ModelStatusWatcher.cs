using MikuCloud.Web.Api;
using MikuCloud.Web.Components.Chat;

namespace MikuCloud.Web.Chat;

/// <summary>
/// The house model's state and the presets, as the chat page shows them. It polls <c>/api/models</c> often while the
/// model is not ready (downloading, Ollama down) or the API is unreachable, so the banner clears by itself once it is
/// back, and rarely otherwise.
/// </summary>
public sealed class ModelStatusWatcher(IMikuApi api) : IDisposable
{
    /// <summary>How often the model is checked while it is not ready or the API is unreachable.</summary>
    public static readonly TimeSpan NotReadyInterval = TimeSpan.FromSeconds(5);

    /// <summary>How often the model is checked while everything is fine.</summary>
    public static readonly TimeSpan ReadyInterval = TimeSpan.FromSeconds(60);

    private readonly CancellationTokenSource lifetime = new();

    /// <summary>Raised when <see cref="Model"/> or <see cref="ApiUnreachable"/> changed (possibly from the polling loop).</summary>
    public event Action? Changed;

    /// <summary>The default house model, null until the API answered.</summary>
    public HouseModelDto? Model { get; private set; }

    /// <summary>Every model that is on, the default first.</summary>
    public IReadOnlyList<HouseModelDto> Models { get; private set; } = [];

    /// <summary>The models a conversation can pick now: chat models that are ready.</summary>
    public IReadOnlyList<HouseModelDto> ChatModels => [.. Models.Where(m => m.CanChat)];

    /// <summary>The model called <paramref name="name"/> (null: the default).</summary>
    public HouseModelDto? Find(string? name) => name is null ? Model : Models.FirstOrDefault(m => m.Name == name) ?? Model;

    /// <summary>
    /// The presets of <paramref name="model"/> (null: the default model), in display order;
    /// every preset when the API does not say (an older API).
    /// </summary>
    public IReadOnlyList<PresetDto> PresetsFor(string? model)
    {
        var ids = Find(model)?.Presets;
        return ids is null ? Presets : [.. Presets.Where(p => ids.Contains(p.Id))];
    }

    /// <summary>The last call to the API failed in transport.</summary>
    public bool ApiUnreachable { get; private set; }

    /// <summary>The presets, read once.</summary>
    public IReadOnlyList<PresetDto> Presets { get; private set; } = [];

    /// <summary>The preset a new chat starts with.</summary>
    public string? DefaultPresetId => Presets.FirstOrDefault(p => p.IsDefault)?.Id ?? Presets.FirstOrDefault()?.Id;

    /// <summary>A preset's title in the UI's language (the id itself for a preset that is gone).</summary>
    public string? PresetTitle(string? id) =>
        id is null ? null : Presets.FirstOrDefault(p => p.Id == id) is { } preset ? PresetPicker.TitleOf(preset) : id;

    /// <summary>Reads the state once (so even the prerendered page shows it), then keeps polling in the background.</summary>
    public async Task StartAsync()
    {
        await RefreshAsync();
        _ = WatchAsync(lifetime.Token);
    }

    /// <summary>Reads the model state now (e.g. after the API said the model is unavailable).</summary>
    public async Task RefreshAsync()
    {
        var before = (Model, ApiUnreachable, Count: Models.Count);
        try
        {
            var models = await api.GetModelsAsync(lifetime.Token);
            Models = models;
            Model = models.FirstOrDefault(m => m.IsDefault) ?? models.FirstOrDefault();
            ApiUnreachable = false;
            if (Presets.Count == 0)
            {
                Presets = await api.GetPresetsAsync(lifetime.Token);
            }
        }
        catch (Exception ex) when (ApiFailure.IsTransport(ex) && !lifetime.IsCancellationRequested)
        {
            ApiUnreachable = true;
        }
        catch (OperationCanceledException)
        {
            return;
        }

        if (before != (Model, ApiUnreachable, Models.Count))
        {
            Changed?.Invoke();
        }
    }

    private async Task WatchAsync(CancellationToken cancellationToken)
    {
        while (!cancellationToken.IsCancellationRequested)
        {
            var ready = !ApiUnreachable && Model?.Status == "ready";
            try
            {
                await Task.Delay(ready ? ReadyInterval : NotReadyInterval, cancellationToken);
            }
            catch (OperationCanceledException)
            {
                return;
            }

            await RefreshAsync();
        }
    }

    /// <summary>Stops polling.</summary>
    public void Dispose() => lifetime.Cancel();
}

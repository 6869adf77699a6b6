using System.Net.Http.Json;

namespace MikuCloud.Web.Api;

/// <summary>A sampling preset as the API describes it.</summary>
public sealed record PresetInfo(string Id, string Model, bool IsDefault, Dictionary<string, string> Titles, Dictionary<string, string> Descriptions);

/// <summary>A house model and its readiness (<c>ready</c>, <c>missing</c>, <c>unavailable</c>).</summary>
public sealed record ModelInfo(string Name, string From, int ContextLength, string Status, string? Detail);

/// <summary>Typed client for MikuCloud.Api.</summary>
public sealed class MikuApiClient(HttpClient http)
{
    public async Task<IReadOnlyList<PresetInfo>> GetPresetsAsync(CancellationToken cancellationToken = default) =>
        await http.GetFromJsonAsync<List<PresetInfo>>("/api/presets", cancellationToken) ?? [];

    public async Task<IReadOnlyList<ModelInfo>> GetModelsAsync(CancellationToken cancellationToken = default) =>
        await http.GetFromJsonAsync<List<ModelInfo>>("/api/models", cancellationToken) ?? [];
}

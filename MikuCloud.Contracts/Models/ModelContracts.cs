using System.Text.Json;

namespace MikuCloud.Contracts;

/// <summary>
/// A sampling preset as <c>GET /api/presets</c> shows it: titles and descriptions keyed by UI language (<c>en</c>,
/// <c>zh</c>), and Ollama options under Ollama's names.
/// </summary>
/// <remarks>
/// Option values are any JSON (numbers, strings, lists), hence <see cref="JsonElement"/>: what a client reads is
/// exactly what was sent.
/// </remarks>
public sealed record PresetDto(string Id, string Model, bool IsDefault, IReadOnlyDictionary<string, string> Titles,
    IReadOnlyDictionary<string, string> Descriptions, IReadOnlyDictionary<string, JsonElement> Options);

/// <summary>
/// A house model and whether Ollama can serve it now (<c>GET /api/models</c>, the default first; <c>GET /api/admin/models</c>
/// also lists the optional models that are off): <c>status</c> is <c>ready</c>, <c>missing</c> (not created yet),
/// <c>provisioning</c> (being downloaded or created, see <c>progress</c>), <c>unavailable</c> (Ollama unreachable) or
/// <c>disabled</c>, and <c>detail</c> says why. <c>purpose</c> is <c>vision</c>, <c>text</c> or <c>embedding</c>;
/// <c>contextLength</c> is the context it is created with (the Modelfile's <c>num_ctx</c>); <c>size</c> is bytes on disk;
/// <c>loaded</c> is set while Ollama holds it in memory; <c>presets</c> are the preset ids that apply to it.
/// </summary>
/// <remarks>The values of <c>status</c> are <see cref="ModelStatus"/>, of <c>purpose</c> <see cref="ModelPurposes"/>.</remarks>
public sealed record HouseModelDto(string Name, string From, int ContextLength, string Status, string? Detail,
    string Purpose = ModelPurposes.Vision, bool IsDefault = false, bool IsOptional = false, bool Enabled = true,
    IReadOnlyDictionary<string, string>? Titles = null, IReadOnlyDictionary<string, string>? Descriptions = null,
    ModelCapabilitiesDto? Capabilities = null, long? Size = null, LoadedModelDto? Loaded = null,
    IReadOnlyList<string>? Presets = null, ModelProgressDto? Progress = null)
{
    /// <summary>Whether a conversation can chat with it now: a chat model that is ready.</summary>
    public bool CanChat => Purpose != ModelPurposes.Embedding && Status == ModelStatus.Ready;
}

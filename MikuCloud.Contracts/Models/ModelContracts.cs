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
/// A house model and whether Ollama can serve it now (<c>GET /api/models</c>): <c>status</c> is <c>ready</c>,
/// <c>missing</c> (being downloaded or created) or <c>unavailable</c>, and <c>detail</c> says why.
/// </summary>
public sealed record HouseModelDto(string Name, string From, int ContextLength, string Status, string? Detail);

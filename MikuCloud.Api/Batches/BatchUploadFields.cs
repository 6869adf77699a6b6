namespace MikuCloud.Api.Batches;

/// <summary>
/// The <c>multipart/form-data</c> fields of <c>POST /api/batches</c> (for the OpenAPI document; the body is read part
/// by part): send the fields first, then any number of <c>files</c> parts (images).
/// </summary>
/// <param name="Prompt">The prompt every image is answered with (required).</param>
/// <param name="Name">A name for the batch (default: its creation time).</param>
/// <param name="PresetId">A preset (default: the default preset).</param>
/// <param name="Options">Ollama option overrides as a JSON object (the chat rules).</param>
/// <param name="Schema">A JSON schema the answers follow (Ollama's <c>format</c>); each answer is then parsed into <c>json</c>.</param>
/// <param name="KeepImages">Keep the source images after they are answered (default false: only thumbnails stay).</param>
/// <param name="Start">Start at once (default: true when files are sent, false otherwise: a draft that takes more items).</param>
/// <param name="Files">The images, one part each.</param>
/// <param name="Model">A vision model from <c>GET /api/models</c> (default: the default model); the preset must be one of its presets.</param>
public sealed record BatchUploadFields(string Prompt, string? Name, string? PresetId, string? Options, string? Schema, bool? KeepImages, bool? Start,
    IReadOnlyList<IFormFile>? Files, string? Model = null);

namespace MikuCloud.Cli.Batches;

/// <summary>The fields of a new batch, as <c>POST /api/batches</c> takes them (options and schema as JSON text).</summary>
public sealed record BatchDraft(string Prompt, string Name, string? PresetId, string? Options, string? Schema, bool KeepImages);

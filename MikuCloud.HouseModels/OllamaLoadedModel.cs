namespace MikuCloud.HouseModels;

/// <summary>A model Ollama holds in memory now (one entry of <c>GET /api/ps</c>).</summary>
/// <param name="Name">Name with tag, as Ollama reports it (<c>miku-vl:latest</c>).</param>
/// <param name="Size">Bytes in memory (weights, context and cache).</param>
/// <param name="SizeVram">Of <paramref name="Size"/>, the bytes in GPU memory; the rest runs on the CPU.</param>
/// <param name="ExpiresAt">When Ollama unloads it unless it is used again (keep-alive); null when it never will.</param>
/// <param name="ContextLength">The context it was loaded with, when Ollama says.</param>
public sealed record OllamaLoadedModel(string Name, long Size, long SizeVram, DateTimeOffset? ExpiresAt, int? ContextLength);

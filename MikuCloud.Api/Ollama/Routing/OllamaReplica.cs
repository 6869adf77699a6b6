namespace MikuCloud.Api.Ollama.Routing;

/// <summary>One Ollama server the API may send turns to.</summary>
/// <param name="BaseAddress">Its base address, e.g. <c>http://10.0.3.7:11434/</c>.</param>
/// <param name="Slots">How many generations it runs at once: its <c>OLLAMA_NUM_PARALLEL</c>.</param>
/// <param name="Healthy">Whether it starts healthy (a replica newly seen is trusted until its health poll says otherwise).</param>
public sealed record OllamaReplica(Uri BaseAddress, int Slots, bool Healthy = true);

namespace MikuCloud.Api.Knowledge;

/// <summary>Vectors were asked for, but no embedding model is available (none in <c>modelfiles/</c>, or Ollama does not serve it).</summary>
public sealed class KnowledgeEmbeddingUnavailableException(string message) : Exception(message);

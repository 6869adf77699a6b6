namespace MikuCloud.HouseModels;

/// <summary>What a house model is for, declared in its Modelfile as <c># purpose: vision | text | embedding</c>.</summary>
public enum ModelPurpose
{
    /// <summary>Chat with text and images (the default when a Modelfile does not say).</summary>
    Vision,

    /// <summary>Chat with text only: a request with images is refused before it reaches Ollama.</summary>
    Text,

    /// <summary>Embeddings only (<c>/api/embed</c>): never offered for chat.</summary>
    Embedding,
}

namespace MikuCloud.AppHost.Ollama;

/// <summary>
/// The pinned Ollama image. One constant, read by the AppHost and checked against deploy/ by tests.
/// 0.30 or later is required: earlier engines ignore repeat/presence penalties for qwen3vl.
/// </summary>
public static class OllamaContainerImageTags
{
    /// <summary>Registry.</summary>
    public const string Registry = "docker.io";

    /// <summary>Image.</summary>
    public const string Image = "ollama/ollama";

    /// <summary>Tag for NVIDIA and CPU.</summary>
    public const string Tag = "0.32.15";

    /// <summary>Tag for AMD GPUs (ROCm build of the same version).</summary>
    public const string RocmTag = Tag + "-rocm";

    /// <summary>The port Ollama listens on inside the container.</summary>
    public const int Port = 11434;

    /// <summary>Where Ollama keeps models; a named volume is mounted here so downloads survive restarts.</summary>
    public const string ModelsPath = "/root/.ollama";
}

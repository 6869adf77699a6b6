using Microsoft.Extensions.Configuration;

namespace MikuCloud.AppHost.Ollama;

/// <summary>Where Ollama runs.</summary>
public enum OllamaMode
{
    /// <summary>
    /// The default: <see cref="Container"/> when Docker or Podman answers, else <see cref="Local"/> when <c>ollama</c> is
    /// on PATH, else <see cref="Container"/> (which then stops with a message naming the ways out). See <see cref="OllamaModeChoice"/>.
    /// </summary>
    Auto,
    /// <summary><c>docker.io/ollama/ollama</c> in Docker or Podman.</summary>
    Container,
    /// <summary><c>ollama serve</c> from PATH: the only GPU path on macOS.</summary>
    Local,
    /// <summary>An Ollama someone else runs: <c>ConnectionStrings:ollama</c> = <c>Endpoint=http://host:port</c>.</summary>
    External,
}

/// <summary>Which GPU the Ollama container gets.</summary>
public enum OllamaGpu
{
    /// <summary>Detect NVIDIA, then AMD, else run on CPU.</summary>
    Auto,
    /// <summary>NVIDIA Container Toolkit: <c>--gpus all</c> (Docker) or CDI <c>--device nvidia.com/gpu=all</c> (Podman).</summary>
    Nvidia,
    /// <summary>ROCm: <c>/dev/kfd</c> and <c>/dev/dri</c>, and the <c>-rocm</c> image tag.</summary>
    Amd,
    /// <summary>CPU only (slow: minutes per answer for an 8B model).</summary>
    None,
}

/// <summary>The container engine Aspire drives.</summary>
public enum ContainerRuntimeKind
{
    /// <summary>Docker (Aspire's default).</summary>
    Docker,
    /// <summary>Podman (<c>ASPIRE_CONTAINER_RUNTIME=podman</c>).</summary>
    Podman,
}

/// <summary>The <c>Ollama</c> configuration section of the AppHost (see the README's configuration table).</summary>
public sealed class OllamaHostingOptions
{
    /// <summary><c>Ollama:Mode</c>.</summary>
    public OllamaMode Mode { get; set; } = OllamaMode.Auto;

    /// <summary><c>Ollama:Gpu</c>.</summary>
    public OllamaGpu Gpu { get; set; } = OllamaGpu.Auto;

    /// <summary><c>Ollama:Quantization</c>: <c>q4_K_M</c> (default), <c>q8_0</c> or <c>bf16</c>.</summary>
    public string? Quantization { get; set; }

    /// <summary><c>Ollama:HouseModel</c>: which Modelfile in <c>modelfiles/</c> to serve (default: the first, <c>miku-vl</c>).</summary>
    public string? HouseModel { get; set; }

    /// <summary><c>Ollama:Port</c>: host port for <c>local</c> mode (and a fixed host port in container mode when set).</summary>
    public int? Port { get; set; }

    /// <summary><c>Ollama:ModelfilesPath</c>: overrides where <c>modelfiles/</c> is read from.</summary>
    public string? ModelfilesPath { get; set; }

    /// <summary>Docker or Podman, from Aspire's own <c>ASPIRE_CONTAINER_RUNTIME</c> setting.</summary>
    public ContainerRuntimeKind ContainerRuntime { get; set; } = ContainerRuntimeKind.Docker;

    /// <summary>Reads the options; unknown values are errors that list the valid ones.</summary>
    public static OllamaHostingOptions From(IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        var section = configuration.GetSection("Ollama");
        return new OllamaHostingOptions
        {
            Mode = ParseEnum(section["Mode"], OllamaMode.Auto, "Ollama:Mode"),
            Gpu = ParseEnum(section["Gpu"], OllamaGpu.Auto, "Ollama:Gpu"),
            Quantization = section["Quantization"],
            HouseModel = section["HouseModel"],
            Port = int.TryParse(section["Port"], out var port) ? port : null,
            ModelfilesPath = section["ModelfilesPath"],
            ContainerRuntime = ParseEnum(configuration["ASPIRE_CONTAINER_RUNTIME"] ?? configuration["DcpPublisher:ContainerRuntime"],
                ContainerRuntimeKind.Docker, "ASPIRE_CONTAINER_RUNTIME"),
        };
    }

    private static T ParseEnum<T>(string? value, T fallback, string key) where T : struct, Enum
    {
        if (string.IsNullOrWhiteSpace(value))
        {
            return fallback;
        }

        return Enum.TryParse<T>(value, ignoreCase: true, out var parsed) && Enum.IsDefined(parsed)
            ? parsed
            : throw new InvalidOperationException($"{key}='{value}' is not valid. Use one of: {string.Join(", ", Enum.GetNames<T>().Select(n => n.ToLowerInvariant()))}.");
    }
}

namespace MikuCloud.AppHost.Ollama;

public static partial class OllamaResourceBuilderExtensions
{
    /// <summary>
    /// Gives the container a GPU. NVIDIA: <c>--gpus all</c> on Docker, the CDI device <c>nvidia.com/gpu=all</c>
    /// on Podman. AMD: <c>/dev/kfd</c> and <c>/dev/dri</c> and the ROCm image. <see cref="OllamaGpu.Auto"/>
    /// asks <paramref name="detect"/> (default: <see cref="GpuDetector.Detect()"/>).
    /// </summary>
    public static IResourceBuilder<OllamaResource> WithGpuSupport(
        this IResourceBuilder<OllamaResource> builder,
        OllamaGpu gpu,
        ContainerRuntimeKind runtime = ContainerRuntimeKind.Docker,
        Func<OllamaGpu>? detect = null)
    {
        ArgumentNullException.ThrowIfNull(builder);
        var vendor = gpu == OllamaGpu.Auto ? (detect ?? GpuDetector.Detect)() : gpu;
        builder.WithAnnotation(new OllamaGpuAnnotation(vendor), ResourceAnnotationMutationBehavior.Replace);

        return vendor switch
        {
            OllamaGpu.Nvidia when runtime == ContainerRuntimeKind.Podman =>
                builder.WithContainerRuntimeArgs("--device", "nvidia.com/gpu=all"),
            OllamaGpu.Nvidia => builder.WithContainerRuntimeArgs("--gpus", "all"),
            OllamaGpu.Amd => builder
                .WithImageTag(OllamaContainerImageTags.RocmTag)
                .WithContainerRuntimeArgs("--device", "/dev/kfd", "--device", "/dev/dri"),
            _ => builder,
        };
    }
}

/// <summary>Records which GPU the Ollama container was given (after <see cref="OllamaGpu.Auto"/> detection).</summary>
/// <param name="Gpu">The GPU vendor, or <see cref="OllamaGpu.None"/>.</param>
public sealed record OllamaGpuAnnotation(OllamaGpu Gpu) : IResourceAnnotation;

/// <summary>Finds out which GPU this machine has, without starting anything heavy.</summary>
public static class GpuDetector
{
    /// <summary>NVIDIA if its driver is loaded, else AMD if ROCm's <c>/dev/kfd</c> exists, else none.</summary>
    public static OllamaGpu Detect() => Detect(File.Exists, Directory.Exists, OnPath);

    /// <summary>Detection over injectable probes, for tests.</summary>
    public static OllamaGpu Detect(Func<string, bool> fileExists, Func<string, bool> directoryExists, Func<string, bool> onPath)
    {
        ArgumentNullException.ThrowIfNull(fileExists);
        ArgumentNullException.ThrowIfNull(directoryExists);
        ArgumentNullException.ThrowIfNull(onPath);
        if (fileExists("/proc/driver/nvidia/version") || fileExists("/dev/nvidiactl") || onPath("nvidia-smi"))
        {
            return OllamaGpu.Nvidia;
        }

        if (fileExists("/dev/kfd") || directoryExists("/sys/module/amdgpu/drivers"))
        {
            return OllamaGpu.Amd;
        }

        return OllamaGpu.None;
    }

    private static bool OnPath(string program) =>
        (Environment.GetEnvironmentVariable("PATH") ?? "")
        .Split(Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries)
        .Any(dir => File.Exists(Path.Combine(dir, program)) || File.Exists(Path.Combine(dir, program + ".exe")));
}

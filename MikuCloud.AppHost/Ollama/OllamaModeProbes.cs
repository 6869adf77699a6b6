namespace MikuCloud.AppHost.Ollama;

/// <summary>
/// The two questions <c>Ollama:Mode=auto</c> asks the machine (see <see cref="OllamaModeChoice.Choose"/>); tests pass
/// their own answers to cover every branch without Docker or Ollama.
/// </summary>
/// <param name="Engine">Does the container engine answer? <c>null</c> when it does, else what went wrong.</param>
/// <param name="Ollama">The path of <c>ollama</c> on PATH, or <c>null</c>.</param>
public sealed record OllamaModeProbes(Func<ContainerRuntimeKind, string?> Engine, Func<string?> Ollama)
{
    /// <summary>This machine: <c>docker info</c> / <c>podman info</c>, and a look through PATH.</summary>
    public static OllamaModeProbes System { get; } = new(
        // Once, while the model is built (before anything runs): blocking here is the simple and safe choice.
        runtime => ContainerRuntimeCheck.ProbeAsync(ContainerRuntimeCheck.Command(runtime)).GetAwaiter().GetResult(),
        () => OllamaModeChoice.FindOnPath("ollama", Environment.GetEnvironmentVariable("PATH")));
}

namespace MikuCloud.AppHost.Ollama;

/// <summary>Where Ollama runs this time, and why — said on the console and in the dashboard.</summary>
/// <param name="Mode">Container, local or external (never <see cref="OllamaMode.Auto"/>).</param>
/// <param name="Reason">One sentence a person reads: what was configured or found.</param>
/// <param name="Fallback">True when <c>auto</c> found neither a container engine nor <c>ollama</c>: container mode then
/// stops at start with the message naming the ways out.</param>
public sealed record OllamaModeChoice(OllamaMode Mode, string Reason, bool Fallback = false)
{
    /// <summary>
    /// Decides the mode. An explicit <c>container</c>, <c>local</c> or <c>external</c> is kept as it is; <c>auto</c> asks
    /// <paramref name="probeEngine"/> first (null = the engine answers, else what went wrong) and only then
    /// <paramref name="findOllama"/> (the path of <c>ollama</c> on PATH, or null). Pure apart from the probes, so every
    /// branch can be tested without Docker or Ollama.
    /// </summary>
    /// <param name="configured"><c>Ollama:Mode</c>.</param>
    /// <param name="engine">The engine's CLI name, for the reason (<c>docker</c> or <c>podman</c>).</param>
    /// <param name="probeEngine">Does the container engine answer?</param>
    /// <param name="findOllama">Where is <c>ollama</c> on PATH?</param>
    public static OllamaModeChoice Choose(OllamaMode configured, string engine, Func<string?> probeEngine, Func<string?> findOllama)
    {
        ArgumentNullException.ThrowIfNull(probeEngine);
        ArgumentNullException.ThrowIfNull(findOllama);
        if (configured != OllamaMode.Auto)
        {
            return new(configured, $"Ollama:Mode={Name(configured)} is set.");
        }

        if (probeEngine() is not { } problem)
        {
            return new(OllamaMode.Container, $"Ollama:Mode=auto chose container: {engine} answers.");
        }

        return findOllama() is { } ollama
            ? new(OllamaMode.Local, $"Ollama:Mode=auto chose local (`ollama serve` from {ollama}): {engine} did not answer ({problem}).")
            : new(OllamaMode.Container, $"Ollama:Mode=auto found neither a container engine ({engine}: {problem}) nor `ollama` on PATH.", Fallback: true);
    }

    /// <summary>The full path of <paramref name="program"/> in the directories of <paramref name="pathVariable"/> (PATH), or null.</summary>
    public static string? FindOnPath(string program, string? pathVariable)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(program);
        var names = OperatingSystem.IsWindows() ? new[] { program + ".exe", program } : [program];
        foreach (var directory in (pathVariable ?? "").Split(Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            foreach (var name in names)
            {
                var candidate = Path.Combine(directory, name);
                if (!File.Exists(candidate))
                {
                    continue;
                }

                if (OperatingSystem.IsWindows() || IsExecutable(candidate))
                {
                    return candidate;
                }
            }
        }

        return null;
    }

    /// <summary>Lower-case mode name as written in configuration.</summary>
    public static string Name(OllamaMode mode) => mode.ToString().ToLowerInvariant();

    [System.Runtime.Versioning.UnsupportedOSPlatform("windows")]
    private static bool IsExecutable(string path) =>
        (File.GetUnixFileMode(path) & (UnixFileMode.UserExecute | UnixFileMode.GroupExecute | UnixFileMode.OtherExecute)) != 0;
}

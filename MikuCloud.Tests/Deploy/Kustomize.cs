using System.Collections.Concurrent;
using System.Diagnostics;
using System.Text.RegularExpressions;
using k8s;
using k8s.Models;

namespace MikuCloud.Tests.Deploy;

/// <summary>
/// Renders deploy/k8s with `kubectl kustomize` (or a standalone `kustomize build`) once per test run and loads
/// every document as a typed Kubernetes object in strict mode (an unknown field or kind fails the load).
/// The manifests use Kustomize v5 features (components, labels, patches with targets): a kubectl that embeds an
/// older Kustomize (Debian bookworm's kubernetes-client is 1.20, with Kustomize v2) cannot render them.
/// </summary>
public static partial class Kustomize
{
    /// <summary>The overlays every installation chooses from; each must exist and render.</summary>
    public static readonly string[] RequiredOverlays = ["single-gpu", "cluster", "cpu"];

    private static readonly Lazy<Renderer> Tool = new(FindRenderer);
    private static readonly ConcurrentDictionary<string, Lazy<Rendered>> Cache = new(StringComparer.Ordinal);

    /// <summary>deploy/k8s/overlays/*, by directory name.</summary>
    public static IReadOnlyList<string> Overlays { get; } =
        Directory.GetDirectories(Path.Combine(Repo.Root, "deploy", "k8s", "overlays"))
            .Select(Path.GetFileName).OfType<string>().Order(StringComparer.Ordinal).ToArray();

    public static TheoryData<string> OverlayNames => new(Overlays);

    /// <summary>Renders an overlay ("base" renders deploy/k8s/base); skips the test when no capable renderer exists.</summary>
    public static Rendered Render(string overlay)
    {
        var tool = Tool.Value;
        if (tool.Problem is not null)
        {
            Assert.Skip(tool.Problem);
        }

        var dir = overlay == "base" ? Path.Combine(Repo.Root, "deploy", "k8s", "base") : Path.Combine(Repo.Root, "deploy", "k8s", "overlays", overlay);
        return Cache.GetOrAdd(overlay, name => new Lazy<Rendered>(() => RenderNow(tool, name, dir))).Value;
    }

    /// <summary>
    /// Renders a copy of <paramref name="overlay"/> whose kustomization.yaml <paramref name="edit"/> changed — a variant
    /// its comments tell an operator to make (one component for another) — without keeping it as an overlay of its own.
    /// </summary>
    public static Rendered RenderVariant(string overlay, string variant, Func<string, string> edit)
    {
        ArgumentNullException.ThrowIfNull(edit);
        var tool = Tool.Value;
        if (tool.Problem is not null)
        {
            Assert.Skip(tool.Problem);
        }

        return Cache.GetOrAdd($"{overlay} ({variant})", name => new Lazy<Rendered>(() =>
        {
            var source = Path.Combine(Repo.Root, "deploy", "k8s", "overlays", overlay);
            var copy = Directory.CreateTempSubdirectory("mikucloud-kustomize-");
            try
            {
                foreach (var file in Directory.GetFiles(source))
                {
                    File.Copy(file, Path.Combine(copy.FullName, Path.GetFileName(file)));
                }

                // Kustomize refuses absolute paths: point the overlay's ../../base and ../../components at the repository.
                var deploy = Path.GetRelativePath(copy.FullName, Path.Combine(Repo.Root, "deploy", "k8s")).Replace('\\', '/') + "/";
                var kustomization = Path.Combine(copy.FullName, "kustomization.yaml");
                File.WriteAllText(kustomization, edit(File.ReadAllText(kustomization)).Replace("../../", deploy, StringComparison.Ordinal));
                return RenderNow(tool, name, copy.FullName);
            }
            finally
            {
                copy.Delete(recursive: true);
            }
        })).Value;
    }

    private static Rendered RenderNow(Renderer tool, string overlay, string dir)
    {
        var (exit, stdout, stderr) = Run(tool.File!, [.. tool.Arguments, dir]);
        Assert.True(exit == 0, $"{tool.Describe} {dir} failed ({exit}):\n{stderr}");
        var objects = KubernetesYaml.LoadAllFromString(stdout, typeMap: null, strict: true);
        return new Rendered(overlay, stdout, stderr, objects.Cast<IKubernetesObject>().ToList());
    }

    private static Renderer FindRenderer()
    {
        // ./test.sh keeps a kubectl of its own in .tools/bin when the machine's is missing or too old.
        var kubectl = Which("kubectl", Path.Combine(Repo.Root, ".tools", "bin"));
        string? kubectlProblem = null;
        if (kubectl is not null)
        {
            var (exit, stdout, stderr) = Run(kubectl, ["version", "--client"]);
            var version = KustomizeVersion().Match(stdout + stderr);
            if (exit == 0 && version.Success && int.Parse(version.Groups[1].Value, System.Globalization.CultureInfo.InvariantCulture) >= 5)
            {
                return new Renderer(kubectl, ["kustomize"], "kubectl kustomize", null);
            }

            kubectlProblem = $"kubectl at {kubectl} does not embed Kustomize v5 ({FirstLine(stdout + stderr)}); " +
                             "Debian bookworm's kubernetes-client (1.20) embeds Kustomize v2. Install kubectl >= 1.27 or a standalone kustomize v5.";
        }

        var kustomize = Which("kustomize");
        if (kustomize is not null)
        {
            var (exit, stdout, _) = Run(kustomize, ["version"]);
            var version = Regex.Match(stdout, @"v(\d+)\.");
            if (exit == 0 && version.Success && int.Parse(version.Groups[1].Value, System.Globalization.CultureInfo.InvariantCulture) >= 5)
            {
                return new Renderer(kustomize, ["build"], "kustomize build", null);
            }
        }

        return new Renderer(null, [], "", kubectlProblem ?? "kubectl not found on PATH (and no standalone kustomize): deploy/k8s cannot be rendered. ./test.sh installs one.");
    }

    private static string FirstLine(string text) => text.Split('\n', StringSplitOptions.RemoveEmptyEntries).FirstOrDefault()?.Trim() ?? "no version output";

    private static string? Which(string name, params string[] first)
    {
        foreach (var dir in first.Concat((Environment.GetEnvironmentVariable("PATH") ?? "").Split(Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries)))
        {
            foreach (var candidate in OperatingSystem.IsWindows() ? new[] { name + ".exe", name } : [name])
            {
                var path = Path.Combine(dir, candidate);
                if (File.Exists(path))
                {
                    return path;
                }
            }
        }

        return null;
    }

    internal static (int Exit, string Stdout, string Stderr) Run(string file, IEnumerable<string> args, IDictionary<string, string>? environment = null, string? workingDirectory = null, int timeoutSeconds = 120)
    {
        var start = new ProcessStartInfo(file)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            WorkingDirectory = workingDirectory ?? Repo.Root,
        };
        foreach (var arg in args)
        {
            start.ArgumentList.Add(arg);
        }

        foreach (var (key, value) in environment ?? new Dictionary<string, string>())
        {
            start.Environment[key] = value;
        }

        using var process = Process.Start(start)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        if (!process.WaitForExit(TimeSpan.FromSeconds(timeoutSeconds)))
        {
            process.Kill(entireProcessTree: true);
            throw new TimeoutException($"{file} {string.Join(' ', args)} did not finish in {timeoutSeconds} s");
        }

        return (process.ExitCode, stdout.Result, stderr.Result);
    }

    [GeneratedRegex(@"Kustomize Version:\s*v(\d+)\.")]
    private static partial Regex KustomizeVersion();

    private sealed record Renderer(string? File, string[] Arguments, string Describe, string? Problem);
}

/// <summary>One rendered overlay: its YAML and typed objects, with lookups.</summary>
public sealed class Rendered(string overlay, string yaml, string warnings, IReadOnlyList<IKubernetesObject> objects)
{
    public string Overlay { get; } = overlay;
    public string Yaml { get; } = yaml;
    public string Warnings { get; } = warnings;
    public IReadOnlyList<IKubernetesObject> Objects { get; } = objects;

    public IEnumerable<T> All<T>() => Objects.OfType<T>();

    public T One<T>(string name) where T : IKubernetesObject<V1ObjectMeta> =>
        Objects.OfType<T>().SingleOrDefault(o => o.Metadata.Name == name)
        ?? throw new Xunit.Sdk.XunitException($"{Overlay}: no {typeof(T).Name} named '{name}'");

    public T? Find<T>(string name) where T : class, IKubernetesObject<V1ObjectMeta> =>
        Objects.OfType<T>().SingleOrDefault(o => o.Metadata.Name == name);

    /// <summary>A generated ConfigMap by its generator name (the rendered name carries a content hash suffix).</summary>
    public V1ConfigMap ConfigMap(string generatorName) =>
        Objects.OfType<V1ConfigMap>().SingleOrDefault(c => c.Metadata.Name == generatorName || GeneratedName(c.Metadata.Name) == generatorName)
        ?? throw new Xunit.Sdk.XunitException($"{Overlay}: no ConfigMap '{generatorName}'");

    public V1ConfigMap? ConfigMapNamed(string renderedName) => Objects.OfType<V1ConfigMap>().SingleOrDefault(c => c.Metadata.Name == renderedName);

    /// <summary>Every pod template: Deployments and StatefulSets.</summary>
    public IEnumerable<Workload> Workloads =>
        Objects.OfType<V1Deployment>().Select(d => new Workload(d.Kind ?? "Deployment", d.Metadata.Name, d.Spec.Template, d.Spec.Replicas))
            .Concat(Objects.OfType<V1StatefulSet>().Select(s => new Workload(s.Kind ?? "StatefulSet", s.Metadata.Name, s.Spec.Template, s.Spec.Replicas)));

    public Workload Workload(string name) => Workloads.SingleOrDefault(w => w.Name == name)
        ?? throw new Xunit.Sdk.XunitException($"{Overlay}: no workload '{name}'");

    public override string ToString() => Overlay;

    private static string GeneratedName(string name)
    {
        var dash = name.LastIndexOf('-');
        return dash > 0 && name.Length - dash == 11 ? name[..dash] : name;
    }
}

/// <summary>A Deployment or StatefulSet's pod template.</summary>
public sealed record Workload(string Kind, string Name, V1PodTemplateSpec Template, int? Replicas)
{
    public V1PodSpec Pod => Template.Spec;

    public IEnumerable<V1Container> AllContainers => (Pod.InitContainers ?? []).Concat(Pod.Containers);

    public V1Container Container(string name) => Pod.Containers.Single(c => c.Name == name);

    public IDictionary<string, string> Labels => Template.Metadata.Labels;
}

/// <summary>The repository checkout the tests run from.</summary>
public static class Repo
{
    public static string Root { get; } = Find();

    public static string PathOf(params string[] parts) => System.IO.Path.Combine([Root, .. parts]);

    private static string Find()
    {
        foreach (var start in new[] { AppContext.BaseDirectory, Directory.GetCurrentDirectory() })
        {
            for (var dir = new DirectoryInfo(start); dir is not null; dir = dir.Parent)
            {
                if (File.Exists(System.IO.Path.Combine(dir.FullName, "MikuCloud.slnx")) && Directory.Exists(System.IO.Path.Combine(dir.FullName, "deploy")))
                {
                    return dir.FullName;
                }
            }
        }

        throw new DirectoryNotFoundException("The repository root (MikuCloud.slnx next to deploy/) was not found above the test binaries.");
    }
}

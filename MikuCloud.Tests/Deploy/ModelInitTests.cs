using System.Text.RegularExpressions;
using MikuCloud.HouseModels;

namespace MikuCloud.Tests.Deploy;

/// <summary>
/// The house models the cluster creates are the ones in modelfiles/: the ConfigMap carries the same bytes, and the
/// model-init script, run against a stand-in `ollama` CLI, creates each model from exactly that content (with the
/// overlay's quantization or base model in FROM and nothing else changed).
/// </summary>
public class ModelInitTests
{
    private static readonly HouseModelCatalog Catalog = HouseModelCatalog.Load(Repo.PathOf(HouseModelCatalog.DirectoryName));

    [Fact]
    public void The_copy_under_deploy_is_byte_for_byte_modelfiles()
    {
        var source = Directory.GetFiles(Repo.PathOf("modelfiles"), "*" + HouseModelCatalog.Extension).ToDictionary(f => Path.GetFileName(f), File.ReadAllBytes);
        var copy = Directory.GetFiles(Repo.PathOf("deploy", "k8s", "base", "ollama", "modelfiles")).ToDictionary(f => Path.GetFileName(f), File.ReadAllBytes);

        Assert.True(source.Keys.Order().SequenceEqual(copy.Keys.Order()),
            $"deploy/k8s/base/ollama/modelfiles has [{string.Join(", ", copy.Keys)}], modelfiles/ has [{string.Join(", ", source.Keys)}]: " +
            "copy the house Modelfiles (cp modelfiles/*.Modelfile deploy/k8s/base/ollama/modelfiles/) and list them in the base kustomization.yaml");
        foreach (var (name, bytes) in source)
        {
            Assert.True(bytes.AsSpan().SequenceEqual(copy[name]), $"deploy/k8s/base/ollama/modelfiles/{name} differs from modelfiles/{name}: cp modelfiles/{name} deploy/k8s/base/ollama/modelfiles/");
        }
    }

    [Theory]
    [MemberData(nameof(Kustomize.OverlayNames), MemberType = typeof(Kustomize))]
    public void The_deployed_ConfigMap_holds_every_house_model_as_in_modelfiles(string overlay)
    {
        var data = Kustomize.Render(overlay).ConfigMap("ollama-modelfiles").Data;

        Assert.Equal(Catalog.Models.Select(m => m.Name + HouseModelCatalog.Extension).Order(), data.Keys.Order());
        foreach (var model in Catalog.Models)
        {
            Assert.Equal(File.ReadAllText(Repo.PathOf("modelfiles", model.Name + HouseModelCatalog.Extension)), data[model.Name + HouseModelCatalog.Extension]);
        }
    }

    [Theory]
    [MemberData(nameof(Kustomize.OverlayNames), MemberType = typeof(Kustomize))]
    public void Model_init_creates_the_house_models_from_the_deployed_modelfiles(string overlay)
    {
        SkipUnlessPosixShell();
        var rendered = Kustomize.Render(overlay);
        var settings = rendered.ConfigMap("ollama-model").Data;
        var quantization = settings.TryGetValue("MIKU_QUANTIZATION", out var q) && q.Length > 0 ? q : null;
        var baseModel = settings.TryGetValue("MIKU_BASE_MODEL", out var b) && b.Length > 0 ? b : null;
        Assert.True(quantization is null || Quantization.All.Contains(quantization), $"{overlay}: MIKU_QUANTIZATION={quantization}");
        using var run = new FakeOllamaRun(rendered);

        run.Run(settings.ToDictionary());

        var enabled = (settings.TryGetValue("MIKU_MODELS_ENABLED", out var e) ? e : "").Split([',', ' '], StringSplitOptions.RemoveEmptyEntries);
        foreach (var model in Catalog.Enabled(enabled))
        {
            var created = run.Created(model.Name);
            var parsed = Modelfile.Parse(created, model.Name);
            Assert.Equal(ExpectedFrom(model, quantization, baseModel), parsed.From);
            Assert.Equal(model.Modelfile.System, parsed.System);
            Assert.Equal(model.Modelfile.Parameters, parsed.Parameters);
            // Nothing but the FROM line differs from modelfiles/.
            Assert.Equal(WithoutFrom(File.ReadAllText(Repo.PathOf("modelfiles", model.Name + HouseModelCatalog.Extension))), WithoutFrom(created));
            Assert.Contains($"pull {parsed.From}", run.Log);
            Assert.Contains(run.Log, l => l.StartsWith($"create {model.Name} -f ", StringComparison.Ordinal));
        }

        // Optional models stay off unless enabled: the first run still downloads only the default model.
        foreach (var model in Catalog.Models.Except(Catalog.Enabled(enabled)))
        {
            Assert.DoesNotContain(run.Log, l => l.StartsWith($"create {model.Name} ", StringComparison.Ordinal));
        }

        Assert.Contains("serve", run.Log);
    }

    [Fact]
    public void Model_init_creates_every_enabled_model_with_the_adapter_from_its_volume_and_quantizes_only_the_default_base()
    {
        SkipUnlessPosixShell();
        using var run = new FakeOllamaRun(Kustomize.Render("base"));
        run.WriteAdapter("miku-vl-moe.gguf");

        run.Run(new Dictionary<string, string> { ["MIKU_MODELS_ENABLED"] = "miku-text, miku-embed:latest,MIKU-VL-MOE", ["MIKU_QUANTIZATION"] = "q8_0" });

        foreach (var model in Catalog.Models)
        {
            var created = run.Created(model.Name);
            var parsed = Modelfile.Parse(created, model.Name);
            Assert.Equal(ExpectedFrom(model, "q8_0", baseModel: null), parsed.From);
            Assert.Equal(model.Modelfile.Parameters, parsed.Parameters);
            // Nothing but FROM and ADAPTER differs from modelfiles/.
            Assert.Equal(WithoutFromAndAdapter(File.ReadAllText(Repo.PathOf("modelfiles", model.Name + HouseModelCatalog.Extension))), WithoutFromAndAdapter(created));
            Assert.Equal(model.Modelfile.Adapter is null ? null : Path.Combine(run.AdaptersDir, "miku-vl-moe.gguf"), parsed.Adapter);
        }

        Assert.Equal("qwen3-vl:8b-instruct-q8_0", Modelfile.Parse(run.Created("miku-vl-moe")).From);
        Assert.Equal("qwen3:4b-instruct-2507-q4_K_M", Modelfile.Parse(run.Created("miku-text")).From);
        // One download of the shared base for miku-vl and its LoRA variant.
        Assert.Single(run.Log, l => l == "pull qwen3-vl:8b-instruct-q8_0");
    }

    [Fact]
    public void A_missing_adapter_skips_its_model_with_a_clear_error_and_the_rest_are_still_created()
    {
        SkipUnlessPosixShell();
        using var run = new FakeOllamaRun(Kustomize.Render("base"));

        run.Run(new Dictionary<string, string> { ["MIKU_MODELS_ENABLED"] = "miku-vl-moe,miku-text" });

        Assert.Contains($"model-init: cannot create miku-vl-moe: its LoRA adapter {Path.Combine(run.AdaptersDir, "miku-vl-moe.gguf")} is missing", run.Stderr, StringComparison.Ordinal);
        Assert.DoesNotContain(run.Log, l => l.StartsWith("create miku-vl-moe ", StringComparison.Ordinal));
        Assert.Contains(run.Log, l => l.StartsWith("create miku-vl ", StringComparison.Ordinal));
        Assert.Contains(run.Log, l => l.StartsWith("create miku-text ", StringComparison.Ordinal));
    }

    [Fact]
    public void An_unknown_enabled_name_stops_model_init_naming_the_optional_models()
    {
        SkipUnlessPosixShell();
        using var run = new FakeOllamaRun(Kustomize.Render("base"));

        Assert.Equal(2, run.Run(new Dictionary<string, string> { ["MIKU_MODELS_ENABLED"] = "miku-text,miku-xl" }, expectSuccess: false));

        Assert.Contains("MIKU_MODELS_ENABLED names 'miku-xl', not a house model (optional models: miku-embed miku-text miku-vl-moe)", run.Stderr, StringComparison.Ordinal);
        Assert.DoesNotContain(run.Log, l => l.StartsWith("create ", StringComparison.Ordinal));
    }

    /// <summary>
    /// FROM as model-init writes it: MIKU_BASE_MODEL for the default model only; MIKU_QUANTIZATION for the default model's
    /// base (miku-vl and its LoRA variant); any other base as in modelfiles/.
    /// </summary>
    private static string ExpectedFrom(HouseModel model, string? quantization, string? baseModel) =>
        baseModel is not null && model == Catalog.DefaultModel ? baseModel
        : quantization is not null && model.SharesBaseWith(Catalog.DefaultModel) ? model.WithQuantization(quantization).From
        : model.From;

    private static string WithoutFromAndAdapter(string modelfile) =>
        string.Join('\n', modelfile.Split('\n').Where(l => !l.StartsWith("FROM ", StringComparison.Ordinal) && !l.StartsWith("ADAPTER ", StringComparison.Ordinal)));

    [Fact]
    public void Model_init_is_idempotent_and_works_offline_once_the_base_is_there()
    {
        SkipUnlessPosixShell();
        using var run = new FakeOllamaRun(Kustomize.Render("base"));

        run.Run(new Dictionary<string, string>());
        var firstPulls = run.Log.Count(l => l.StartsWith("pull ", StringComparison.Ordinal));
        run.Run(new Dictionary<string, string>());

        // Only the default model by default (the optional ones are off).
        var created = Catalog.Enabled([]).Count;
        Assert.Equal(created, firstPulls);
        Assert.Equal(firstPulls, run.Log.Count(l => l.StartsWith("pull ", StringComparison.Ordinal)));
        Assert.Equal(2 * created, run.Log.Count(l => l.StartsWith("create ", StringComparison.Ordinal)));
    }

    [Fact]
    public void Model_init_refuses_an_unknown_quantization_and_knows_the_same_ones_as_the_code()
    {
        SkipUnlessPosixShell();
        var script = Kustomize.Render("base").ConfigMap("ollama-model-init").Data["model-init.sh"];
        using var run = new FakeOllamaRun(Kustomize.Render("base"));

        Assert.Equal(2, run.Run(new Dictionary<string, string> { ["MIKU_QUANTIZATION"] = "q3_K_S" }, expectSuccess: false));
        Assert.Equal(Quantization.All, Regex.Match(script, "QUANTIZATIONS=\"([^\"]+)\"").Groups[1].Value.Split(' '));
        Assert.Equal(Quantization.All, Regex.Match(script, @"-\(([a-zA-Z0-9_|]+)\)").Groups[1].Value.Split('|'));
    }

    private static string WithoutFrom(string modelfile) =>
        string.Join('\n', modelfile.Split('\n').Where(l => !l.StartsWith("FROM ", StringComparison.Ordinal)));

    private static void SkipUnlessPosixShell()
    {
        if (OperatingSystem.IsWindows() || !File.Exists("/bin/sh"))
        {
            Assert.Skip("model-init.sh runs under /bin/sh (Linux, macOS)");
        }
    }

    /// <summary>Runs the rendered model-init.sh with a stand-in `ollama` that records its commands.</summary>
    private sealed class FakeOllamaRun : IDisposable
    {
        private const string FakeOllama = """
            #!/bin/sh
            echo "$*" >> "$FAKE_LOG"
            case "$1" in
              serve) exec sleep 300 ;;
              list) exit 0 ;;
              show) test -e "$FAKE_STATE/$2" ;;
              pull) : > "$FAKE_STATE/$2" ;;
              create) cp "$4" "$FAKE_OUT/$2.Modelfile" && : > "$FAKE_STATE/$2" ;;
              *) echo "unexpected: $*" >&2; exit 3 ;;
            esac
            """;

        private readonly string root = Directory.CreateTempSubdirectory("mikucloud-model-init-").FullName;
        private readonly string script;

        public FakeOllamaRun(Rendered rendered)
        {
            foreach (var dir in new[] { "bin", "modelfiles", "state", "out", "work", "adapters" })
            {
                Directory.CreateDirectory(Path.Combine(root, dir));
            }

            var ollama = Path.Combine(root, "bin", "ollama");
            File.WriteAllText(ollama, FakeOllama.Replace("\r\n", "\n", StringComparison.Ordinal) + "\n");
            if (!OperatingSystem.IsWindows())
            {
                File.SetUnixFileMode(ollama, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
            }
            foreach (var (name, content) in rendered.ConfigMap("ollama-modelfiles").Data)
            {
                File.WriteAllText(Path.Combine(root, "modelfiles", name), content);
            }

            script = Path.Combine(root, "model-init.sh");
            File.WriteAllText(script, rendered.ConfigMap("ollama-model-init").Data["model-init.sh"]);
        }

        public string AdaptersDir => Path.Combine(root, "adapters");

        /// <summary>What the last run wrote to stderr.</summary>
        public string Stderr { get; private set; } = "";

        /// <summary>Puts a (fake) GGUF adapter into the adapters volume.</summary>
        public void WriteAdapter(string name) => File.WriteAllBytes(Path.Combine(AdaptersDir, name), [.. "GGUF"u8, 1, 2, 3]);

        public IReadOnlyList<string> Log => File.Exists(Path.Combine(root, "log")) ? File.ReadAllLines(Path.Combine(root, "log")) : [];

        public string Created(string model) => File.ReadAllText(Path.Combine(root, "out", model + ".Modelfile"));

        public int Run(IReadOnlyDictionary<string, string> settings, bool expectSuccess = true)
        {
            var env = new Dictionary<string, string>(settings)
            {
                ["PATH"] = Path.Combine(root, "bin") + Path.PathSeparator + System.Environment.GetEnvironmentVariable("PATH"),
                ["MODELFILES_DIR"] = Path.Combine(root, "modelfiles"),
                ["WORK_DIR"] = Path.Combine(root, "work"),
                ["FAKE_LOG"] = Path.Combine(root, "log"),
                ["FAKE_STATE"] = Path.Combine(root, "state"),
                ["FAKE_OUT"] = Path.Combine(root, "out"),
                ["ADAPTERS_DIR"] = AdaptersDir,
            };
            var (exit, stdout, stderr) = Kustomize.Run("/bin/sh", [script], env, root, timeoutSeconds: 60);
            Stderr = stderr;
            if (expectSuccess)
            {
                Assert.True(exit == 0, $"model-init.sh exited {exit}\n{stdout}\n{stderr}");
            }

            return exit;
        }

        public void Dispose() => Directory.Delete(root, recursive: true);
    }
}

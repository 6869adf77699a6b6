using MikuCloud.HouseModels;
using MikuCloud.Testing;

namespace MikuCloud.Tests.Models;

/// <summary>
/// A copy of modelfiles/ with two optional house models beside miku-vl: <c>miku-text</c> (text only, borrowing the
/// <c>text</c> and <c>balanced</c> presets), <c>miku-embed</c> (embedding) and <c>miku-vl-moe</c> (another vision model on
/// miku-vl's base, borrowing every preset), for tests of model choice.
/// </summary>
public sealed class ModelCatalogFolder : IDisposable
{
    public const string TextBase = "qwen3:4b-instruct-2507-q4_K_M";
    public const string EmbedBase = "qwen3-embedding:0.6b";

    public ModelCatalogFolder()
    {
        Path = Directory.CreateTempSubdirectory("mikucloud-models-").FullName;
        var source = HouseModelCatalog.LocateDirectory();
        foreach (var file in Directory.GetFiles(source, "*", SearchOption.AllDirectories))
        {
            var target = System.IO.Path.Combine(Path, System.IO.Path.GetRelativePath(source, file));
            Directory.CreateDirectory(System.IO.Path.GetDirectoryName(target)!);
            File.Copy(file, target);
        }

        File.WriteAllText(System.IO.Path.Combine(Path, "miku-text.Modelfile"), $"""
            # purpose: text
            # optional: true
            # presets: text, balanced
            # title.en: Miku Text 4B
            # title.zh: Miku 文本 4B
            FROM {TextBase}
            PARAMETER num_ctx 8192
            SYSTEM "You are Miku, a helpful assistant."
            """);
        File.WriteAllText(System.IO.Path.Combine(Path, "miku-vl-moe.Modelfile"), """
            # purpose: vision
            # optional: true
            # presets: *
            FROM qwen3-vl:8b-instruct-q4_K_M
            PARAMETER num_ctx 16384
            """);
        File.WriteAllText(System.IO.Path.Combine(Path, "miku-embed.Modelfile"), $"""
            # purpose: embedding
            # optional: true
            # title.en: Miku Embed
            FROM {EmbedBase}
            PARAMETER num_ctx 8192
            """);
    }

    /// <summary>The folder, for <c>Modelfiles:Path</c>.</summary>
    public string Path { get; }

    /// <summary>Settings for an API on this catalog with <paramref name="enabled"/> optional models on.</summary>
    public void Configure(Dictionary<string, string?> settings, string enabled = "miku-text,miku-embed")
    {
        settings["Modelfiles:Path"] = Path;
        settings["HouseModels:Enabled"] = enabled;
    }

    /// <summary>The optional models (and their bases) as if already created in Ollama.</summary>
    public static void Provisioned(FakeOllama ollama)
    {
        ollama.WithModel(TextBase).WithModel("miku-text", TextBase, parameters: new Dictionary<string, string> { ["num_ctx"] = "8192" });
        ollama.WithModel(EmbedBase).WithModel("miku-embed", EmbedBase, parameters: new Dictionary<string, string> { ["num_ctx"] = "8192" });
        ollama.WithModel("miku-vl-moe", "qwen3-vl:8b-instruct-q4_K_M", parameters: new Dictionary<string, string> { ["num_ctx"] = "16384" });
    }

    public void Dispose() => Directory.Delete(Path, recursive: true);
}

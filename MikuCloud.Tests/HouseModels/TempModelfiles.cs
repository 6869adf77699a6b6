namespace MikuCloud.Tests.HouseModels;

/// <summary>A throwaway modelfiles/ folder for catalog rules the real one does not exercise.</summary>
internal sealed class TempModelfiles : IDisposable
{
    private readonly DirectoryInfo dir = Directory.CreateTempSubdirectory("mikucloud-modelfiles-");

    public string Path => dir.FullName;

    /// <summary>Writes <c>name.Modelfile</c> (or any relative path) and returns its full path.</summary>
    public string Write(string relativePath, string text)
    {
        var path = System.IO.Path.Combine(Path, relativePath.Contains('.', StringComparison.Ordinal)
            ? relativePath
            : relativePath + ".Modelfile");
        Directory.CreateDirectory(System.IO.Path.GetDirectoryName(path)!);
        File.WriteAllText(path, text);
        return path;
    }

    /// <summary>Writes a fake GGUF adapter (the magic, then <paramref name="bytes"/> of deterministic noise).</summary>
    public string WriteAdapter(string relativePath, int bytes, int seed = 1)
    {
        var path = System.IO.Path.Combine(Path, relativePath);
        Directory.CreateDirectory(System.IO.Path.GetDirectoryName(path)!);
        var content = new byte[bytes];
        new Random(seed).NextBytes(content);
        "GGUF"u8.CopyTo(content);
        File.WriteAllBytes(path, content);
        return path;
    }

    /// <summary>A minimal chat Modelfile on <paramref name="from"/> with the given extra lines.</summary>
    public static string Chat(string from, params string[] extra) =>
        string.Join('\n', extra.Where(l => l.StartsWith('#')).Append($"FROM {from}").Concat(extra.Where(l => !l.StartsWith('#'))).Append("PARAMETER num_ctx 4096"));

    public void Dispose() => dir.Delete(recursive: true);
}

using System.Security.Cryptography;

namespace MikuCloud.HouseModels;

/// <summary>
/// A house model's LoRA adapter as Ollama stores it: a blob named by the SHA-256 of the GGUF file
/// (<c>sha256:&lt;64 hex&gt;</c>), uploaded with <c>POST /api/blobs/&lt;digest&gt;</c> and named in
/// <c>/api/create</c>'s <c>adapters</c> by its file name.
/// </summary>
/// <param name="Path">The GGUF file on this machine.</param>
/// <param name="FileName">Its file name (Ollama recognises a GGUF adapter by the <c>.gguf</c> suffix).</param>
/// <param name="Digest"><c>sha256:</c> and the lower-case hex SHA-256 of the file.</param>
/// <param name="Length">Its size in bytes.</param>
public sealed record AdapterBlob(string Path, string FileName, string Digest, long Length)
{
    /// <summary>
    /// Reads <paramref name="model"/>'s adapter file and computes its digest, streaming (adapters run to hundreds of
    /// MB). A missing file is a <see cref="ModelfileException"/> that names it and says how to make it.
    /// </summary>
    public static async Task<AdapterBlob> ReadAsync(HouseModel model, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(model);
        var adapter = model.Modelfile.Adapter ?? throw new InvalidOperationException($"{model.Name} has no ADAPTER.");
        var path = model.AdapterPath!;
        if (!File.Exists(path))
        {
            throw new ModelfileException(model.Modelfile.Source, 0,
                $"{model.Name}: the LoRA adapter '{adapter}' is missing (looked for {path}). " +
                "Convert your LoRA to GGUF with llama.cpp's convert_lora_to_gguf.py (README, \"Models\" → \"Add a LoRA adapter\") " +
                $"and save it as modelfiles/{adapter.TrimStart('.', '/')} (the AppHost's build copies modelfiles/adapters/ " +
                $"next to it), or leave {model.Name} out of HouseModels:Enabled.");
        }

        var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, bufferSize: 1 << 20, FileOptions.Asynchronous | FileOptions.SequentialScan);
        await using (stream.ConfigureAwait(false))
        {
            var hash = await SHA256.HashDataAsync(stream, cancellationToken).ConfigureAwait(false);
            return new AdapterBlob(path, System.IO.Path.GetFileName(path), "sha256:" + Convert.ToHexStringLower(hash), stream.Length);
        }
    }

    /// <summary>The hex part of <see cref="Digest"/>, as it appears in Ollama's blob file names (<c>sha256-&lt;hex&gt;</c>).</summary>
    public string Hex => Digest["sha256:".Length..];
}

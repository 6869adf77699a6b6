using System.Net;
using System.Net.Http.Headers;

namespace MikuCloud.HouseModels;

/// <summary>Blobs and <c>/api/create</c> with a LoRA adapter (Ollama's "Check if a Blob Exists", "Push a Blob").</summary>
public sealed partial class OllamaModelClient
{
    /// <summary><c>HEAD /api/blobs/&lt;digest&gt;</c>: whether Ollama already has the blob (200) or not (404).</summary>
    public async Task<bool> HasBlobAsync(string digest, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(digest);
        using var request = new HttpRequestMessage(HttpMethod.Head, BlobPath(digest));
        using var response = await http.SendAsync(request, cancellationToken).ConfigureAwait(false);
        if (response.StatusCode == HttpStatusCode.NotFound)
        {
            return false;
        }

        if (!response.IsSuccessStatusCode)
        {
            // A HEAD answer has no body: report the status when it is neither 200 nor 404.
            throw new OllamaApiException($"Ollama answered {(int)response.StatusCode} {response.ReasonPhrase} to HEAD {BlobPath(digest)}.", response.StatusCode);
        }

        return true;
    }

    /// <summary>
    /// <c>POST /api/blobs/&lt;digest&gt;</c> with the file as the body, streamed from disk (never read into memory).
    /// Ollama answers 201 when stored, 200 when it already had it, 400 when the bytes do not hash to the digest.
    /// </summary>
    public async Task PushBlobAsync(AdapterBlob blob, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(blob);
        var file = new FileStream(blob.Path, FileMode.Open, FileAccess.Read, FileShare.Read, bufferSize: 1 << 20, FileOptions.Asynchronous | FileOptions.SequentialScan);
        await using (file.ConfigureAwait(false))
        {
            using var content = new StreamContent(file, bufferSize: 1 << 20);
            content.Headers.ContentType = new MediaTypeHeaderValue("application/octet-stream");
            content.Headers.ContentLength = blob.Length;
            using var response = await http.PostAsync(BlobPath(blob.Digest), content, cancellationToken).ConfigureAwait(false);
            if (!response.IsSuccessStatusCode)
            {
                await ReadJsonAsync(response, cancellationToken).ConfigureAwait(false);
            }
        }
    }

    /// <summary>
    /// <c>POST /api/create</c> for a model with a LoRA adapter whose blob is already in Ollama (see
    /// <see cref="HouseModel.ToCreateRequest(AdapterBlob?, bool)"/>); streaming, reports each status line.
    /// </summary>
    public async Task CreateAsync(HouseModel model, AdapterBlob? adapter, IProgress<string>? progress = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(model);
        await foreach (var line in StreamAsync("api/create", model.ToCreateRequest(adapter), cancellationToken).ConfigureAwait(false))
        {
            progress?.Report(line["status"]?.GetValue<string>() ?? "");
        }
    }

    // The digest goes into the path as is (sha256:<hex>), as in Ollama's own examples.
    private static string BlobPath(string digest) => "api/blobs/" + digest;
}

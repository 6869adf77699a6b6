using System.Collections.Concurrent;
using System.Security.Cryptography;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;

namespace MikuCloud.Testing;

/// <summary>
/// Blobs as Ollama's server keeps them (server/routes.go HeadBlobHandler, CreateBlobHandler; manifest.BlobsPath):
/// <c>HEAD /api/blobs/:digest</c> 200 or 404, <c>POST /api/blobs/:digest</c> hashing the body as it streams in
/// (201 stored, 200 already there, 400 "digest mismatch"), 400 "invalid digest format" for anything but
/// <c>sha256:</c> (or <c>sha256-</c>) and 64 hex digits; and <c>/api/create</c>'s <c>adapters</c> naming them.
/// </summary>
public sealed partial class FakeOllama
{
    private readonly ConcurrentDictionary<string, long> blobs = new(StringComparer.Ordinal);

    /// <summary>The blobs the fake holds: digest (<c>sha256:&lt;hex&gt;</c>) → bytes received.</summary>
    public IReadOnlyDictionary<string, long> Blobs => blobs;

    /// <summary>Adds a blob as if uploaded before (only its digest and length are kept).</summary>
    public FakeOllama WithBlob(string digest, long length = 0)
    {
        blobs[BlobKey(digest)] = length;
        return this;
    }

    [GeneratedRegex("^sha256[:-][0-9a-fA-F]{64}$")]
    private static partial Regex DigestFormat();

    private static bool IsBlobRequest(HttpContext ctx) => ctx.Request.Path.StartsWithSegments("/api/blobs", StringComparison.Ordinal);

    // Ollama stores sha256:<hex> as the file sha256-<hex>: both spellings name one blob.
    private static string BlobKey(string digest) => digest.Replace('-', ':');

    private void MapBlobEndpoints(WebApplication web)
    {
        web.MapMethods("/api/blobs/{digest}", [HttpMethods.Head], (string digest) =>
            !DigestFormat().IsMatch(digest) ? Error(400, "invalid digest format")
            : blobs.ContainsKey(BlobKey(digest)) ? Results.Ok()
            : Error(404, $"blob \"{digest}\" not found"));
        web.MapPost("/api/blobs/{digest}", PushBlobAsync);
    }

    private async Task<IResult> PushBlobAsync(string digest, HttpContext ctx)
    {
        if (!DigestFormat().IsMatch(digest))
        {
            return Error(400, "invalid digest format");
        }

        if (blobs.ContainsKey(BlobKey(digest)))
        {
            return Results.Ok();
        }

        // Streamed through the hash in chunks, as Ollama writes it to disk: an upload is never held in memory here.
        using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        var buffer = new byte[81920];
        long length = 0;
        int read;
        while ((read = await ctx.Request.Body.ReadAsync(buffer, ctx.RequestAborted)) > 0)
        {
            hash.AppendData(buffer, 0, read);
            length += read;
        }

        var actual = "sha256:" + Convert.ToHexStringLower(hash.GetHashAndReset());
        if (actual != digest)
        {
            return Error(400, $"digest mismatch, expected \"{digest}\", got \"{actual}\"");
        }

        blobs[actual] = length;
        return Results.StatusCode(StatusCodes.Status201Created);
    }

    /// <summary>
    /// Checks <c>/api/create</c>'s <c>adapters</c> as Ollama does; false once it has answered with the error: an empty
    /// digest is 400 before anything streams, more than one adapter 400 "only one adapter is currently supported", a
    /// blob it does not hold an error line after "parsing GGUF" (Ollama fails to open the blob file).
    /// </summary>
    private async Task<bool> CheckAdaptersAsync(HttpContext ctx, JsonObject body)
    {
        if (body["adapters"] is not JsonObject adapters)
        {
            return true;
        }

        var digests = adapters.Select(kv => kv.Value?.GetValue<string>() ?? "").ToList();
        if (digests.Any(d => d.Length == 0) || digests.Count > 1)
        {
            await Error(400, digests.Count > 1 ? "only one adapter is currently supported" : "invalid digest format").ExecuteAsync(ctx);
            return false;
        }

        await Line(ctx, new JsonObject { ["status"] = "parsing GGUF" });
        var digest = digests.SingleOrDefault();
        if (digest is not null && (!DigestFormat().IsMatch(digest) || !blobs.ContainsKey(BlobKey(digest))))
        {
            var error = DigestFormat().IsMatch(digest)
                ? $"open /root/.ollama/models/blobs/{digest.Replace(':', '-')}: no such file or directory"
                : "invalid digest format";
            await Line(ctx, new JsonObject { ["error"] = error });
            return false;
        }

        return true;
    }

    private static IResult Error(int status, string message) =>
        Results.Text(new JsonObject { ["error"] = message }.ToJsonString(Compact), "application/json; charset=utf-8", statusCode: status);
}

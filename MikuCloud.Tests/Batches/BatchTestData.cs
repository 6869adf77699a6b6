using System.Net.Http.Headers;
using System.Security.Cryptography;
using System.Text.Json.Nodes;
using MikuCloud.Tests.Images;
using SkiaSharp;

namespace MikuCloud.Tests.Batches;

/// <summary>Batch uploads for tests: small generated PNGs that differ by index, and the form that carries them.</summary>
public static class BatchTestData
{
    /// <summary>A 64×64 PNG of a colour no other index has.</summary>
    public static byte[] Png(int index) =>
        TestImages.SolidPng(64, 64, new SKColor((byte)(index % 256), (byte)(index / 256 * 37 % 256), (byte)(97 + index % 7 * 20)));

    /// <summary>The form of <c>POST /api/batches</c>: the fields, then each file as a <c>files</c> part.</summary>
    public static MultipartFormDataContent Form(IReadOnlyDictionary<string, string> fields, params (string Name, byte[] Bytes)[] files)
    {
        var form = new MultipartFormDataContent();
        foreach (var (name, value) in fields)
        {
            form.Add(new StringContent(value), name);
        }

        foreach (var (name, bytes) in files)
        {
            var part = new ByteArrayContent(bytes);
            part.Headers.ContentType = new MediaTypeHeaderValue("image/png");
            form.Add(part, "files", name);
        }

        return form;
    }

    /// <summary><paramref name="count"/> generated images named <c>img-000.png</c>….</summary>
    public static (string Name, byte[] Bytes)[] Images(int count, int first = 0) =>
        Enumerable.Range(first, count).Select(i => ($"img-{i:000}.png", Png(i))).ToArray();

    /// <summary>A short fingerprint of the (first) image a fake Ollama chat request carries: which item it is for.</summary>
    public static string ImageKey(JsonObject request)
    {
        var image = request["messages"]!.AsArray().Select(m => m!["images"]?.AsArray().FirstOrDefault()?.GetValue<string>()).LastOrDefault(i => i is not null);
        return image is null ? "none" : Convert.ToHexString(SHA256.HashData(Convert.FromBase64String(image)))[..12];
    }

    /// <summary>The last user message's text of a fake Ollama chat request.</summary>
    public static string Prompt(JsonObject request) =>
        request["messages"]!.AsArray().Last(m => m!["role"]!.GetValue<string>() == "user")!["content"]!.GetValue<string>();
}

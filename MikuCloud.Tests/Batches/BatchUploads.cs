using System.Buffers.Binary;
using System.IO.Compression;
using Microsoft.AspNetCore.WebUtilities;
using Microsoft.Extensions.Options;
using MikuCloud.Api.Batches;
using MikuCloud.Api.Images;

namespace MikuCloud.Tests.Batches;

/// <summary>
/// Builds uploads the way a client sends them (a real multipart/form-data body, read back with ASP.NET Core's
/// <see cref="MultipartReader"/>, section by section, as the endpoint does) and zips with System.IO.Compression.
/// </summary>
internal static class BatchUploads
{
    public static BatchUploadReader Reader(BatchUploadOptions? upload = null, ImagePipelineOptions? images = null)
    {
        images ??= new ImagePipelineOptions();
        return new BatchUploadReader(new ImagePipeline(images), Options.Create(upload ?? new BatchUploadOptions()), Options.Create(images));
    }

    /// <summary>Sends <paramref name="files"/> as <c>files</c> parts of one multipart body and reads every result.</summary>
    public static async Task<List<BatchUploadResult>> UploadAsync(BatchUploadReader reader, params (string? Name, byte[] Data)[] files)
    {
        using var form = new MultipartFormDataContent();
        foreach (var (name, data) in files)
        {
            var part = new ByteArrayContent(data);
            part.Headers.ContentDisposition = new System.Net.Http.Headers.ContentDispositionHeaderValue("form-data") { Name = "files", FileNameStar = name };
            part.Headers.ContentType = new System.Net.Http.Headers.MediaTypeHeaderValue("application/octet-stream");
            form.Add(part);
        }

        var boundary = form.Headers.ContentType!.Parameters.Single(p => p.Name == "boundary").Value!.Trim('"');
        using var body = new MemoryStream(await form.ReadAsByteArrayAsync(TestContext.Current.CancellationToken));
        var multipart = new MultipartReader(boundary, body);
        var results = new List<BatchUploadResult>();
        while (await multipart.ReadNextSectionAsync(TestContext.Current.CancellationToken) is { } section)
        {
            var disposition = section.GetContentDispositionHeader()!;
            var fileName = disposition.FileNameStar.HasValue ? disposition.FileNameStar.Value : null;
            await foreach (var result in reader.ReadAsync(new BatchUploadFile(fileName, section.Body), TestContext.Current.CancellationToken))
            {
                results.Add(result);
            }
        }

        return results;
    }

    /// <summary>A zip of the given entries; <c>null</c> data makes a directory entry.</summary>
    public static byte[] Zip(params (string Name, byte[]? Data)[] entries) => Zip(CompressionLevel.Optimal, entries);

    public static byte[] Zip(CompressionLevel level, params (string Name, byte[]? Data)[] entries)
    {
        using var buffer = new MemoryStream();
        using (var zip = new ZipArchive(buffer, ZipArchiveMode.Create, leaveOpen: true))
        {
            foreach (var (name, data) in entries)
            {
                var entry = zip.CreateEntry(name, level);
                using var stream = entry.Open();
                stream.Write(data ?? []);
            }
        }

        return buffer.ToArray();
    }

    /// <summary>A zip with one symbolic link entry (Unix mode 0120777) pointing at <paramref name="target"/>.</summary>
    public static byte[] ZipWithSymlink(string name, string target, params (string Name, byte[] Data)[] others)
    {
        using var buffer = new MemoryStream();
        using (var zip = new ZipArchive(buffer, ZipArchiveMode.Create, leaveOpen: true))
        {
            foreach (var (otherName, data) in others)
            {
                using var stream = zip.CreateEntry(otherName).Open();
                stream.Write(data);
            }

            var link = zip.CreateEntry(name, CompressionLevel.NoCompression);
            link.ExternalAttributes = unchecked((int)0xA1FF_0000);
            using var content = link.Open();
            content.Write(System.Text.Encoding.UTF8.GetBytes(target));
        }

        return buffer.ToArray();
    }

    /// <summary>Rewrites the uncompressed size an entry declares (local header and central directory) to <paramref name="size"/>.</summary>
    public static byte[] DeclareSize(byte[] zip, string entryName, uint size)
    {
        var copy = (byte[])zip.Clone();
        var name = System.Text.Encoding.UTF8.GetBytes(entryName);
        for (var i = 0; i + 46 < copy.Length; i++)
        {
            var span = copy.AsSpan(i);
            if (span.StartsWith("PK\x03\x04"u8) && span[30..].StartsWith(name))
            {
                BinaryPrimitives.WriteUInt32LittleEndian(span[22..], size);
            }
            else if (span.StartsWith("PK\x01\x02"u8) && span[46..].StartsWith(name))
            {
                BinaryPrimitives.WriteUInt32LittleEndian(span[24..], size);
            }
        }

        return copy;
    }

    public static byte[] RandomBytes(int count, int seed)
    {
        var bytes = new byte[count];
        new Random(seed).NextBytes(bytes);
        return bytes;
    }

    public static Dictionary<string, string> RefusedCodes(IEnumerable<BatchUploadResult> results) =>
        results.Where(r => r.Refused is not null).ToDictionary(r => r.Refused!.FileName, r => r.Refused!.Code);

    public static List<string> ItemNames(IEnumerable<BatchUploadResult> results) =>
        results.Where(r => r.Item is not null).Select(r => r.Item!.FileName).ToList();
}

using System.Collections.Concurrent;
using Microsoft.Extensions.Options;

namespace MikuCloud.Web.Uploads;

/// <summary>An image the browser uploaded to the Web, waiting to be sent with a message by <see cref="Owner"/> (a user id).</summary>
public sealed record UploadInfo(Guid Id, string MediaType, long Bytes, string Path, DateTime CreatedAt, string Owner);

/// <summary>
/// Holds images between "attached" and "sent". Why not send them over the Blazor circuit: SignalR messages are small
/// by design (32 KB default) and a 20 MB photo would block the circuit — every render — for the whole upload.
/// The browser POSTs the (already downscaled) file to <c>/uploads</c> over plain HTTP; the circuit only carries ids.
/// Files live in a temp folder and expire; they are deleted as soon as the API has saved the message. Each upload belongs
/// to the user who sent it: for anyone else its id is unknown (ids are unguessable, but they appear in logs and URLs).
/// </summary>
public sealed class UploadStore : IDisposable
{
    private readonly ConcurrentDictionary<Guid, UploadInfo> uploads = new();
    private readonly string root;
    private readonly TimeSpan lifetime;
    private readonly long maxTotalBytes;
    private readonly ILogger<UploadStore> log;
    private long totalBytes;

    public UploadStore(IOptions<ImageLimits> limits, IConfiguration configuration, ILogger<UploadStore> log)
    {
        this.log = log;
        Limits = limits.Value;
        root = configuration["Uploads:Path"] ?? System.IO.Path.Combine(System.IO.Path.GetTempPath(), "mikucloud-web-uploads", Environment.ProcessId.ToString(System.Globalization.CultureInfo.InvariantCulture));
        lifetime = TimeSpan.FromHours(configuration.GetValue("Uploads:LifetimeHours", 6.0));
        maxTotalBytes = configuration.GetValue("Uploads:MaxTotalBytes", 1L << 30);
        Directory.CreateDirectory(root);
    }

    public ImageLimits Limits { get; }

    /// <summary>Outcome of <see cref="SaveAsync"/>.</summary>
    public enum SaveResult { Saved, TooLarge, Unsupported, Full }

    /// <summary>Saves an upload after checking its size and its content (magic bytes), not just its claimed type.</summary>
    public async Task<(SaveResult Result, UploadInfo? Upload)> SaveAsync(Stream body, long? declaredLength, string owner, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrEmpty(owner);
        Sweep();
        if (declaredLength > Limits.MaxBytes)
        {
            return (SaveResult.TooLarge, null);
        }

        if (Interlocked.Read(ref totalBytes) + (declaredLength ?? Limits.MaxBytes) > maxTotalBytes)
        {
            return (SaveResult.Full, null);
        }

        var id = Guid.NewGuid();
        var path = System.IO.Path.Combine(root, id.ToString("N"));
        long written = 0;
        var head = new byte[16];
        var headLength = 0;
        try
        {
            await using (var file = new FileStream(path, FileMode.CreateNew, FileAccess.Write, FileShare.None, 81920, useAsync: true))
            {
                var buffer = new byte[81920];
                int read;
                while ((read = await body.ReadAsync(buffer, cancellationToken)) > 0)
                {
                    written += read;
                    if (written > Limits.MaxBytes)
                    {
                        break;
                    }

                    if (headLength < head.Length)
                    {
                        var n = Math.Min(read, head.Length - headLength);
                        Array.Copy(buffer, 0, head, headLength, n);
                        headLength += n;
                    }

                    await file.WriteAsync(buffer.AsMemory(0, read), cancellationToken);
                }
            }

            if (written > Limits.MaxBytes)
            {
                File.Delete(path);
                return (SaveResult.TooLarge, null);
            }

            if (Sniff(head.AsSpan(0, headLength)) is not { } mediaType)
            {
                File.Delete(path);
                return (SaveResult.Unsupported, null);
            }

            var info = new UploadInfo(id, mediaType, written, path, DateTime.UtcNow, owner);
            uploads[id] = info;
            Interlocked.Add(ref totalBytes, written);
            return (SaveResult.Saved, info);
        }
        catch
        {
            TryDelete(path);
            throw;
        }
    }

    /// <summary>The upload, if it exists and belongs to <paramref name="owner"/>.</summary>
    public UploadInfo? Find(Guid id, string? owner) =>
        owner is not null && uploads.TryGetValue(id, out var info) && string.Equals(info.Owner, owner, StringComparison.Ordinal) ? info : null;

    public Stream OpenRead(UploadInfo upload) =>
        new FileStream(upload.Path, FileMode.Open, FileAccess.Read, FileShare.Read, 81920, useAsync: true);

    /// <summary>Deletes the upload if it belongs to <paramref name="owner"/>.</summary>
    public void Delete(Guid id, string? owner)
    {
        if (Find(id, owner) is not null)
        {
            Remove(id);
        }
    }

    private void Remove(Guid id)
    {
        if (uploads.TryRemove(id, out var info))
        {
            Interlocked.Add(ref totalBytes, -info.Bytes);
            TryDelete(info.Path);
        }
    }

    /// <summary>JPEG, PNG, GIF or WebP by magic bytes; null for anything else.</summary>
    public static string? Sniff(ReadOnlySpan<byte> head) => head switch
    {
        [0xFF, 0xD8, 0xFF, ..] => "image/jpeg",
        [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A, ..] => "image/png",
        [(byte)'G', (byte)'I', (byte)'F', (byte)'8', (byte)'7' or (byte)'9', (byte)'a', ..] => "image/gif",
        [(byte)'R', (byte)'I', (byte)'F', (byte)'F', _, _, _, _, (byte)'W', (byte)'E', (byte)'B', (byte)'P', ..] => "image/webp",
        _ => null,
    };

    private void Sweep()
    {
        var cutoff = DateTime.UtcNow - lifetime;
        foreach (var (id, info) in uploads)
        {
            if (info.CreatedAt < cutoff)
            {
                Remove(id);
            }
        }
    }

    private void TryDelete(string path)
    {
        try
        {
            File.Delete(path);
        }
        catch (IOException ex)
        {
            log.LogWarning(ex, "Could not delete upload {Path}", path);
        }
    }

    public void Dispose()
    {
        try
        {
            Directory.Delete(root, recursive: true);
        }
        catch (IOException)
        {
        }
        catch (UnauthorizedAccessException)
        {
        }
    }
}

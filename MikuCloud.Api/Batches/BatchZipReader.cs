using System.Globalization;
using System.IO.Compression;
using System.Runtime.CompilerServices;

namespace MikuCloud.Api.Batches;

/// <summary>
/// Reads the entries of one uploaded zip (already spooled to a seekable stream) into image candidates, refusing what
/// is unsafe (links, paths leading out, nested zips) or too large (entry count, per-entry bytes, total bytes,
/// expansion ratio: all counted while inflating, never taken from the headers), one entry at a time.
/// </summary>
internal sealed class BatchZipReader(BatchUploadOptions options)
{
    /// <summary>True when <paramref name="head"/> starts like a zip (a local file header, or an empty archive).</summary>
    public static bool IsZip(ReadOnlySpan<byte> head) =>
        head.StartsWith("PK\x03\x04"u8) || head.StartsWith("PK\x05\x06"u8) || head.StartsWith("PK\x07\x08"u8);

    /// <summary>
    /// The archive's entries in order, each read (at most <see cref="BatchUploadOptions.MaxEntryBytes"/>) and handed to
    /// <paramref name="process"/> with its item name, or refused. <paramref name="takeFile"/> is asked before each
    /// entry that could be an item (not a directory, hidden or litter); when it answers false the archive stops there
    /// with one refusal.
    /// </summary>
    public async IAsyncEnumerable<BatchUploadResult> ReadAsync(string archiveName, Stream archive, Func<bool> takeFile,
        Func<string, byte[], BatchUploadResult> process, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        ZipArchive? zip = null;
        try
        {
            zip = await ZipArchive.CreateAsync(archive, ZipArchiveMode.Read, leaveOpen: true, entryNameEncoding: null, cancellationToken);
        }
        catch (InvalidDataException)
        {
            // No central directory, or a broken one: refused below.
        }

        if (zip is null)
        {
            yield return Refuse(archiveName, ProblemCodes.BatchZipCorrupt, "The zip file could not be read; it may be truncated or damaged.");
            yield break;
        }

        await using var _ = zip;
        if (zip.Entries.Count > options.MaxArchiveEntries)
        {
            yield return Refuse(archiveName, ProblemCodes.BatchZipTooLarge,
                $"The zip file lists {zip.Entries.Count} entries; the limit is {options.MaxArchiveEntries}.");
            yield break;
        }

        long expanded = 0;
        var ordinal = 0;
        foreach (var entry in zip.Entries)
        {
            ordinal++;
            if (BatchFileNames.IsDirectory(entry))
            {
                continue;
            }

            var path = BatchFileNames.SafeEntryPath(entry, out var reason);
            if (path is not null && BatchFileNames.IsHiddenOrLitter(path))
            {
                continue;
            }

            var name = BatchFileNames.ForEntry(archiveName, path ?? BatchFileNames.ForUpload(entry.FullName, ordinal));
            if (!takeFile())
            {
                yield return Refuse(name, ProblemCodes.BatchTooManyFiles,
                    "The upload has more files than one upload may add; this entry and the rest of its zip file were not added.");
                yield break;
            }

            if (path is null)
            {
                yield return Refuse(name, ProblemCodes.BatchZipUnsafe, $"The zip entry was refused: {reason}.");
                continue;
            }

            var remaining = options.MaxTotalUncompressedBytes - expanded;
            var (bytes, refused, read) = await ReadEntryAsync(entry, name, remaining, cancellationToken);
            expanded += read;
            yield return refused ?? process(name, bytes!);
            if (expanded > options.MaxTotalUncompressedBytes)
            {
                yield break; // the refusal above says the archive stops here
            }
        }
    }

    private async Task<(byte[]? Bytes, BatchUploadResult? Refused, long Read)> ReadEntryAsync(ZipArchiveEntry entry, string name, long remaining, CancellationToken cancellationToken)
    {
        // The declared size can refuse (a liar only hurts itself) but never admit: the read below is capped regardless.
        if (entry.Length > options.MaxEntryBytes)
        {
            return (null, Refuse(name, ProblemCodes.BatchZipTooLarge, $"The zip entry expands to {Mb(entry.Length)}; the limit is {Mb(options.MaxEntryBytes)} per entry."), 0);
        }

        var cap = Math.Min(options.MaxEntryBytes, remaining);
        var compressed = Math.Max(1, entry.CompressedLength);
        var bomb = false;
        using var buffer = new MemoryStream();
        (long Total, bool Complete) copy;
        try
        {
            await using var content = await entry.OpenAsync(cancellationToken);
            copy = await BoundedCopy.CopyAsync(content, buffer, cap, 0,
                total => bomb = total > options.RatioCheckFloorBytes && total > compressed * options.MaxCompressionRatio, cancellationToken);
        }
        catch (Exception e) when (e is InvalidDataException or NotSupportedException or IOException)
        {
            // A broken or encrypted entry, an unsupported method, a CRC that does not match: this entry alone.
            return (null, Refuse(name, ProblemCodes.BatchZipCorrupt, "The zip entry could not be read; it may be damaged, encrypted or use an unsupported compression."), 0);
        }

        if (bomb)
        {
            return (null, Refuse(name, ProblemCodes.BatchZipTooLarge,
                $"The zip entry expands more than {options.MaxCompressionRatio} times its compressed size (a zip bomb?)."), copy.Total);
        }

        if (!copy.Complete)
        {
            return remaining <= options.MaxEntryBytes
                ? (null, Refuse(name, ProblemCodes.BatchZipTooLarge, $"The zip file expands to more than {Mb(options.MaxTotalUncompressedBytes)}; this entry and the rest were not added."), copy.Total)
                : (null, Refuse(name, ProblemCodes.BatchZipTooLarge, $"The zip entry expands to more than {Mb(options.MaxEntryBytes)}, the limit per entry."), copy.Total);
        }

        var bytes = buffer.ToArray();
        return IsZip(bytes)
            ? (null, Refuse(name, ProblemCodes.BatchZipNested, "A zip file inside a zip file is not opened; add its images to the outer zip."), copy.Total)
            : (bytes, null, copy.Total);
    }

    private static BatchUploadResult Refuse(string name, string code, string message) => BatchUploadResult.Refuse(name, code, message);

    private static string Mb(long bytes) => (bytes / (1024.0 * 1024)).ToString("0.#", CultureInfo.InvariantCulture) + " MB";
}

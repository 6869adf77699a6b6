using System.IO.Compression;

namespace MikuCloud.Api.Knowledge;

/// <summary>
/// Checks a Word document's zip before the Open XML SDK opens it: how many entries it lists, and how far each part
/// really expands (inflated here with a cap, never trusting the sizes the headers claim), so a zip bomb is refused
/// after reading at most the limit instead of filling memory.
/// </summary>
internal static class DocxZipGuard
{
    /// <summary>A part smaller than this is never a bomb, whatever its ratio (XML full of repeats compresses very well).</summary>
    private const long RatioFloorBytes = 1 << 20;

    public static void Check(byte[] data, KnowledgeReadingOptions limits)
    {
        ZipArchive zip;
        try
        {
            zip = new ZipArchive(new MemoryStream(data, writable: false), ZipArchiveMode.Read);
        }
        catch (InvalidDataException e)
        {
            throw Corrupt(e);
        }

        using (zip)
        {
            if (zip.Entries.Count > limits.MaxDocxEntries)
            {
                throw new KnowledgeReadException(ProblemCodes.KnowledgeFileTooLarge,
                    $"The Word document lists {zip.Entries.Count:N0} parts; at most {limits.MaxDocxEntries:N0} are read.");
            }

            if (zip.GetEntry("word/document.xml") is null && !zip.Entries.Any(e => e.FullName.EndsWith("document.xml", StringComparison.OrdinalIgnoreCase)))
            {
                throw new KnowledgeReadException(ProblemCodes.KnowledgeUnsupportedType, "The zip file is not a Word document (it has no word/document.xml).");
            }

            long total = 0;
            var buffer = new byte[81_920];
            foreach (var entry in zip.Entries)
            {
                total += Expand(entry, limits, limits.MaxDocxExpandedBytes - total, buffer);
            }
        }
    }

    /// <summary>Inflates one entry, counting; refuses past <paramref name="remaining"/> or the compression ratio.</summary>
    private static long Expand(ZipArchiveEntry entry, KnowledgeReadingOptions limits, long remaining, byte[] buffer)
    {
        var compressed = Math.Max(1, entry.CompressedLength);
        long expanded = 0;
        try
        {
            using var content = entry.Open();
            int read;
            while ((read = content.Read(buffer)) > 0)
            {
                expanded += read;
                if (expanded > remaining)
                {
                    throw new KnowledgeReadException(ProblemCodes.KnowledgeFileTooLarge,
                        $"The Word document expands to more than {limits.MaxDocxExpandedBytes / (1 << 20):N0} MiB (a zip bomb?).");
                }

                if (expanded > RatioFloorBytes && expanded > compressed * limits.MaxDocxCompressionRatio)
                {
                    throw new KnowledgeReadException(ProblemCodes.KnowledgeFileTooLarge,
                        $"A part of the Word document expands more than {limits.MaxDocxCompressionRatio} times its size (a zip bomb?).");
                }
            }
        }
        catch (Exception e) when (e is InvalidDataException or NotSupportedException or IOException)
        {
            throw Corrupt(e);
        }

        return expanded;
    }

    private static KnowledgeReadException Corrupt(Exception e) =>
        new(ProblemCodes.KnowledgeFileCorrupt, "The Word document could not be read; it may be damaged, truncated or password-protected.", e);
}

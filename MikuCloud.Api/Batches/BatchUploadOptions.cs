using System.ComponentModel.DataAnnotations;

namespace MikuCloud.Api.Batches;

/// <summary>
/// Limits on one batch upload (<c>POST /api/batches</c>, <c>POST /api/batches/{id}/items</c>), bound from the
/// <c>"Batches:Upload"</c> configuration section and validated at startup. Each image is also held to the image
/// pipeline's own limits (<c>Images</c>: bytes, pixels, aspect ratio); these add what only an upload of many files
/// and zip archives needs: a zip's header can claim anything, so every limit here is counted while reading.
/// </summary>
public sealed class BatchUploadOptions : IValidatableObject
{
    /// <summary>Configuration section name.</summary>
    public const string SectionName = "Batches:Upload";

    /// <summary>Most files one upload may add, counting every zip entry that is an image candidate. Default 2000.</summary>
    [Range(1, 100_000)]
    public int MaxFilesPerUpload { get; set; } = 2000;

    /// <summary>Largest zip file accepted, in bytes (it is spooled to a temporary file to be read). Default 512 MiB.</summary>
    [Range(1L, 16L << 30)]
    public long MaxArchiveBytes { get; set; } = 512L * 1024 * 1024;

    /// <summary>
    /// Most entries (directories and skipped files included) a zip's directory may list. Refused before any entry is
    /// read, so a directory of millions of empty entries costs nothing more. Default 10 000.
    /// </summary>
    [Range(1, 1_000_000)]
    public int MaxArchiveEntries { get; set; } = 10_000;

    /// <summary>
    /// Most bytes one zip entry may expand to. Read with a hard cap: the entry's declared size is never trusted.
    /// Default 20 MiB, the image pipeline's default per-image limit.
    /// </summary>
    [Range(1L, 1L << 30)]
    public long MaxEntryBytes { get; set; } = 20L * 1024 * 1024;

    /// <summary>Most bytes all entries of one zip may expand to, together. Default 2 GiB.</summary>
    [Range(1L, 64L << 30)]
    public long MaxTotalUncompressedBytes { get; set; } = 2L * 1024 * 1024 * 1024;

    /// <summary>
    /// Largest expansion (uncompressed / compressed bytes) of one entry, checked while it inflates once it passes
    /// <see cref="RatioCheckFloorBytes"/>. Images are compressed already and barely shrink in a zip; a ratio in the
    /// hundreds is a zip bomb. Default 100.
    /// </summary>
    [Range(2, 100_000)]
    public int MaxCompressionRatio { get; set; } = 100;

    /// <summary>
    /// Bytes an entry may inflate to before its ratio is checked, so a tiny, very compressible file (a solid-colour
    /// PNG) is not mistaken for a bomb. Default 1 MiB.
    /// </summary>
    [Range(0L, 1L << 30)]
    public long RatioCheckFloorBytes { get; set; } = 1024 * 1024;

    /// <summary>Cross-field rules the attributes cannot express.</summary>
    public IEnumerable<ValidationResult> Validate(ValidationContext validationContext)
    {
        if (MaxEntryBytes > MaxTotalUncompressedBytes)
        {
            yield return new ValidationResult(
                $"{nameof(MaxEntryBytes)} must not exceed {nameof(MaxTotalUncompressedBytes)}.",
                [nameof(MaxEntryBytes), nameof(MaxTotalUncompressedBytes)]);
        }
    }
}

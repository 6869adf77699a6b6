using System.ComponentModel.DataAnnotations;

namespace MikuCloud.Api.Images;

/// <summary>
/// Limits and output settings for <see cref="ImagePipeline"/>, bound from the
/// <c>"Images"</c> configuration section. Data-annotation attributes plus
/// <see cref="Validate"/> make it work with <c>ValidateDataAnnotations()</c>; the pipeline
/// constructor validates as well, so a bad configuration fails at startup, not per request.
/// </summary>
public sealed class ImagePipelineOptions : IValidatableObject
{
    /// <summary>Configuration section name.</summary>
    public const string SectionName = "Images";

    /// <summary>Default <see cref="PixelBudget"/>: 1024 visual tokens of 32x32 px.</summary>
    public const int DefaultPixelBudget = 1_048_576;

    /// <summary>
    /// Largest allowed <see cref="PixelBudget"/>. Ollama's Qwen-VL preprocessing caps images near
    /// 2 MP anyway, so a larger budget would only be downscaled again, less carefully.
    /// </summary>
    public const int MaxPixelBudget = 2_097_152;

    /// <summary>
    /// Smallest allowed <see cref="PixelBudget"/> (64 tokens); below that the model cannot read
    /// anything useful, and extreme panoramas would lose their aspect ratio.
    /// </summary>
    public const int MinPixelBudget = 65_536;

    /// <summary>Maximum encoded size of one image, in bytes. Default 20 MiB.</summary>
    [Range(1L, 1L << 30)]
    public long MaxBytes { get; set; } = 20L * 1024 * 1024;

    /// <summary>
    /// Maximum number of images in one chat message. Not used by the pipeline itself (it sees one
    /// image at a time); the endpoint enforces it before processing anything.
    /// </summary>
    [Range(1, 64)]
    public int MaxImagesPerMessage { get; set; } = 8;

    /// <summary>
    /// Maximum source width*height, read from the file header before any pixel buffer is
    /// allocated. This is the decompression-bomb guard: a few hundred bytes of PNG can declare
    /// gigapixels. Decoding needs up to 4 bytes per pixel, so this also caps per-image memory.
    /// </summary>
    [Range(1L, 1L << 30)]
    public long MaxSourcePixels { get; set; } = 50_000_000;

    /// <summary>
    /// Output area budget in pixels; width*height of the result never exceeds it.
    /// Each 32x32 block is one visual token, so this is the per-image token cost cap.
    /// </summary>
    [Range(MinPixelBudget, MaxPixelBudget)]
    public int PixelBudget { get; set; } = DefaultPixelBudget;

    /// <summary>
    /// Minimum output side in pixels (a multiple of 32). Smaller images are scaled up rather than
    /// refused, because a tiny icon or emoji is a legitimate thing to ask about.
    /// </summary>
    [Range(32, 512)]
    public int MinSide { get; set; } = 32;

    /// <summary>
    /// Maximum long-side/short-side ratio. Qwen-VL's own preprocessor rejects ratios above 200,
    /// and extreme strips collapse to a single row of tokens anyway.
    /// </summary>
    [Range(1.0, 200.0)]
    public double MaxAspectRatio { get; set; } = 200;

    /// <summary>JPEG quality (1-100) for re-encoded photos.</summary>
    [Range(1, 100)]
    public int JpegQuality { get; set; } = 90;

    /// <summary>Cross-field rules the attributes cannot express.</summary>
    public IEnumerable<ValidationResult> Validate(ValidationContext validationContext)
    {
        if (MinSide % ImagePipeline.TokenSide != 0)
        {
            yield return new ValidationResult(
                $"{nameof(MinSide)} must be a multiple of {ImagePipeline.TokenSide}.", [nameof(MinSide)]);
        }

        if ((long)MinSide * MinSide > PixelBudget)
        {
            yield return new ValidationResult(
                $"{nameof(MinSide)}^2 must not exceed {nameof(PixelBudget)}.", [nameof(MinSide), nameof(PixelBudget)]);
        }
    }

    /// <summary>Runs attribute and cross-field validation; throws if anything is out of range.</summary>
    internal void ThrowIfInvalid()
    {
        var results = new List<ValidationResult>();
        if (!Validator.TryValidateObject(this, new ValidationContext(this), results, validateAllProperties: true))
        {
            throw new ArgumentException(
                "Invalid image pipeline options: " + string.Join(" ", results.Select(r => r.ErrorMessage)),
                "options");
        }
    }
}

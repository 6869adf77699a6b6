namespace MikuCloud.Api.Images;

/// <summary>
/// Image container formats the pipeline accepts, as detected from the content's magic bytes.
/// </summary>
/// <remarks>
/// Deliberately short: every format on this list is a decoder we expose to hostile input.
/// SVG (scriptable), HEIC (patent-encumbered, not in the Linux Skia build), BMP, TIFF and PDF are
/// refused rather than converted.
/// </remarks>
public enum ImageFormatKind
{
    /// <summary>JPEG / JFIF / Exif (starts with FF D8 FF).</summary>
    Jpeg,

    /// <summary>PNG (starts with the 8-byte PNG signature).</summary>
    Png,

    /// <summary>WebP, lossy or lossless (RIFF container with a WEBP form type).</summary>
    WebP,

    /// <summary>GIF87a or GIF89a; only the first frame of an animation is kept.</summary>
    Gif,
}

namespace MikuCloud.Api.Images;

/// <summary>
/// An image that has been validated, decoded, made upright, flattened, resized to the visual-token
/// budget and re-encoded without metadata. Safe to store and to send to the model.
/// </summary>
/// <param name="Data">The re-encoded image (JPEG or PNG), with no EXIF, ICC, XMP or text chunks.</param>
/// <param name="MediaType"><c>image/jpeg</c> or <c>image/png</c>, matching <paramref name="Data"/>.</param>
/// <param name="Width">Output width in pixels; always a multiple of 32.</param>
/// <param name="Height">Output height in pixels; always a multiple of 32.</param>
/// <param name="SourceFormat">Format detected from the input's content.</param>
/// <param name="OriginalWidth">Input width as the user sees it, i.e. after EXIF orientation.</param>
/// <param name="OriginalHeight">Input height as the user sees it, i.e. after EXIF orientation.</param>
/// <param name="OriginalBytes">Size of the input in bytes.</param>
/// <param name="Resized">True when the output dimensions differ from the (oriented) input dimensions.</param>
/// <param name="VisualTokens">Visual tokens the model spends on this image: (Width/32)*(Height/32).</param>
public sealed record ProcessedImage(
    byte[] Data,
    string MediaType,
    int Width,
    int Height,
    ImageFormatKind SourceFormat,
    int OriginalWidth,
    int OriginalHeight,
    long OriginalBytes,
    bool Resized,
    int VisualTokens);

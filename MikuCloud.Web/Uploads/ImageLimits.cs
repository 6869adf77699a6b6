namespace MikuCloud.Web.Uploads;

/// <summary>
/// The image limits the UI explains and enforces before upload. They mirror the API's defaults
/// (<c>Images:MaxBytes</c> 20 MiB, <c>Images:MaxImagesPerMessage</c> 8; JPEG, PNG, WebP, GIF), which the API
/// enforces again on its side — the Web's copy exists so the user learns about a limit before waiting for an upload.
/// </summary>
public sealed class ImageLimits
{
    public const string SectionName = "Images";

    public long MaxBytes { get; set; } = 20L * 1024 * 1024;

    public int MaxImagesPerMessage { get; set; } = 8;

    /// <summary>Photos above this many pixels are shrunk in the browser before upload (the API keeps ~1 MP anyway).</summary>
    public long DownscaleAbovePixels { get; set; } = 2048L * 2048;

    /// <summary>… or above this many bytes.</summary>
    public long DownscaleAboveBytes { get; set; } = 8L * 1024 * 1024;

    public static readonly string[] MediaTypes = ["image/jpeg", "image/png", "image/webp", "image/gif"];

    public double MaxMegabytes => MaxBytes / 1024d / 1024d;
}

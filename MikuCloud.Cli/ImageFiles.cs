namespace MikuCloud.Cli;

/// <summary>Which files the tool sends as images (by extension; the API checks the bytes) and their media types.</summary>
public static class ImageFiles
{
    private static readonly Dictionary<string, string> MediaTypes = new(StringComparer.OrdinalIgnoreCase)
    {
        [".jpg"] = "image/jpeg",
        [".jpeg"] = "image/jpeg",
        [".png"] = "image/png",
        [".webp"] = "image/webp",
        [".gif"] = "image/gif",
        [".zip"] = "application/zip",
    };

    /// <summary>Whether <paramref name="path"/> is an image or a zip of images the batch API takes.</summary>
    public static bool IsBatchInput(string path) => MediaTypes.ContainsKey(Path.GetExtension(path));

    /// <summary>The media type for <paramref name="path"/>'s extension (<c>application/octet-stream</c> when unknown).</summary>
    public static string MediaType(string path) => MediaTypes.GetValueOrDefault(Path.GetExtension(path), "application/octet-stream");
}

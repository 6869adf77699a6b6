namespace MikuCloud.Api.Images;

/// <summary>
/// Thrown when a user-supplied image is refused. <see cref="Code"/> is a stable machine-readable
/// value (see <see cref="ImageErrorCodes"/>); <see cref="Exception.Message"/> is safe to show to the
/// user and names the limit that was hit.
/// </summary>
/// <remarks>
/// This is the only exception <see cref="ImagePipeline.Process"/> throws for bad input, so callers
/// can map it to a 4xx response and treat anything else as a server fault.
/// </remarks>
public sealed class ImageRejectedException : Exception
{
    /// <summary>Creates a rejection with a stable code and a user-facing message.</summary>
    public ImageRejectedException(string code, string message)
        : base(message)
    {
        Code = code;
    }

    /// <summary>Creates a rejection that keeps the underlying cause for logs.</summary>
    public ImageRejectedException(string code, string message, Exception innerException)
        : base(message, innerException)
    {
        Code = code;
    }

    /// <summary>Stable error code, one of the <see cref="ImageErrorCodes"/> constants.</summary>
    public string Code { get; }
}

/// <summary>Stable error codes carried by <see cref="ImageRejectedException"/>.</summary>
public static class ImageErrorCodes
{
    /// <summary>The encoded image is larger than <see cref="ImagePipelineOptions.MaxBytes"/>.</summary>
    public const string TooLarge = ProblemCodes.ImageTooLarge;

    /// <summary>The content is not JPEG, PNG, WebP or GIF (whatever its name or declared type).</summary>
    public const string UnsupportedFormat = ProblemCodes.ImageUnsupportedFormat;

    /// <summary>The content looks like a supported format but cannot be fully decoded.</summary>
    public const string Corrupt = ProblemCodes.ImageCorrupt;

    /// <summary>The header declares more pixels than <see cref="ImagePipelineOptions.MaxSourcePixels"/>.</summary>
    public const string TooManyPixels = ProblemCodes.ImageTooManyPixels;

    /// <summary>The long side exceeds <see cref="ImagePipelineOptions.MaxAspectRatio"/> times the short side.</summary>
    public const string BadAspectRatio = ProblemCodes.ImageBadAspectRatio;
}

namespace MikuCloud.Web.Components.Chat;

/// <summary>An image in the input, from the moment it is picked until the message is sent.</summary>
public sealed class Attachment
{
    public required string ClientId { get; init; }

    public required string Name { get; init; }

    /// <summary>A <c>blob:</c> URL of the picked file, for the thumbnail (never leaves the browser).</summary>
    public required string PreviewUrl { get; init; }

    public long Bytes { get; set; }

    /// <summary>The Web's upload id once uploaded.</summary>
    public Guid? UploadId { get; set; }

    public string? MediaType { get; set; }

    public int? Width { get; set; }

    public int? Height { get; set; }

    /// <summary>Shrunk in the browser: "from W×H" for the tooltip.</summary>
    public string? DownscaleNote { get; set; }

    public bool IsReady => UploadId is not null;
}

/// <summary>What the input hands to the page on send (and gets back if sending fails, so nothing is lost).</summary>
public sealed record ChatSubmission(string Text, IReadOnlyList<Attachment> Attachments);

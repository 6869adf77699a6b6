namespace MikuCloud.Api.OpenAi.ImageUrls;

/// <summary>Thrown by <see cref="GuardedConnector"/> when a host resolves to an address the policy refuses; nothing was sent.</summary>
public sealed class ImageUrlBlockedException : Exception
{
    public ImageUrlBlockedException()
        : base("The image URL leads to an address that is not public.")
    {
    }

    public ImageUrlBlockedException(string message)
        : base(message)
    {
    }

    public ImageUrlBlockedException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}

namespace MikuCloud.Web.Api;

/// <summary>
/// The API's address as people's own tools reach it (<c>Api:PublicUrl</c>), for the Account page's connection help.
/// The Web's own calls use service discovery, which names an address only the Web can reach; the AppHost sets this
/// to the API's endpoint, a deployment to its public host.
/// </summary>
public sealed class PublicApiAddress(IConfiguration configuration)
{
    /// <summary>What the page shows when no address is configured.</summary>
    public const string Placeholder = "https://<your-mikucloud-api>";

    /// <summary>The configured address without a trailing slash, or null.</summary>
    public string? Configured { get; } = Normalize(configuration["Api:PublicUrl"]);

    /// <summary>The configured address, or <see cref="Placeholder"/>.</summary>
    public string Url => Configured ?? Placeholder;

    private static string? Normalize(string? value) =>
        Uri.TryCreate(value, UriKind.Absolute, out var uri) && uri.Scheme is "http" or "https" ? uri.GetLeftPart(UriPartial.Path).TrimEnd('/') : null;
}

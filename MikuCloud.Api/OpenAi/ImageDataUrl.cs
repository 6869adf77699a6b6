using MikuCloud.Api.OpenAi.ImageUrls;
using static MikuCloud.Api.OpenAi.ChatCompletionReader;

namespace MikuCloud.Api.OpenAi;

/// <summary>
/// An <c>image_url</c> part's value: a <c>data:</c> URL is decoded here; an <c>http(s)</c> URL is only recorded, to
/// be fetched — or refused — later by <see cref="ChatCompletionImages"/>, which knows whether an admin allows fetching.
/// </summary>
/// <remarks>The declared media type is not trusted: the image pipeline sniffs the bytes like any other upload.</remarks>
internal static class ImageDataUrl
{
    /// <summary>A base64 data URL's bytes (the MCP tools' images); anything else is refused naming <paramref name="param"/>.</summary>
    public static byte[] Decode(string url, string param) =>
        Read(url, param).Data ?? throw Invalid(param, "An image must be a base64 data URL (data:image/png;base64,…).");

    /// <summary>An <c>image_url</c> value: decoded bytes for a data URL, the URL itself for http(s).</summary>
    public static ChatCompletionImage Read(string url, string param)
    {
        if (url.StartsWith("http://", StringComparison.OrdinalIgnoreCase) || url.StartsWith("https://", StringComparison.OrdinalIgnoreCase))
        {
            return Uri.TryCreate(url, UriKind.Absolute, out var remote) && RemoteImageFetcher.IsHttp(remote) && remote.Host.Length > 0
                ? new ChatCompletionImage(param, Url: remote)
                : throw Invalid(param, "The image URL is not a valid http(s) URL.");
        }

        var comma = url.IndexOf(',', StringComparison.Ordinal);
        if (!url.StartsWith("data:", StringComparison.OrdinalIgnoreCase) || comma < 0
            || !url.AsSpan(0, comma).EndsWith(";base64", StringComparison.OrdinalIgnoreCase))
        {
            throw Invalid(param, "An image URL must be a base64 data URL (data:image/png;base64,…) or an http(s) URL.");
        }

        var data = url.AsSpan(comma + 1);
        var bytes = new byte[data.Length / 4 * 3 + 3];
        return Convert.TryFromBase64Chars(data, bytes, out var written) && written > 0
            ? new ChatCompletionImage(param, bytes[..written])
            : throw Invalid(param, "The image data URL is not valid base64.");
    }
}

using static MikuCloud.Api.OpenAi.ChatCompletionReader;

namespace MikuCloud.Api.OpenAi;

/// <summary>
/// An <c>image_url</c> part's bytes. Only <c>data:</c> URLs are read here; an <c>http(s)</c> URL is refused, because
/// fetching it would let a caller make the server request any address (SSRF) — fetching is an admin's decision.
/// </summary>
/// <remarks>The declared media type is not trusted: the image pipeline sniffs the bytes like any other upload.</remarks>
internal static class ImageDataUrl
{
    public static byte[] Decode(string url, string param)
    {
        if (url.StartsWith("http://", StringComparison.OrdinalIgnoreCase) || url.StartsWith("https://", StringComparison.OrdinalIgnoreCase))
        {
            throw new ApiProblem(400, ProblemCodes.ImageUrlNotAllowed,
                "This server does not fetch images from URLs; send the image as a data URL (data:image/png;base64,…).",
                new Dictionary<string, string[]> { [param] = ["Send a data URL."] });
        }

        var comma = url.IndexOf(',', StringComparison.Ordinal);
        if (!url.StartsWith("data:", StringComparison.OrdinalIgnoreCase) || comma < 0
            || !url.AsSpan(0, comma).EndsWith(";base64", StringComparison.OrdinalIgnoreCase))
        {
            throw Invalid(param, "An image URL must be a base64 data URL (data:image/png;base64,…).");
        }

        var data = url.AsSpan(comma + 1);
        var bytes = new byte[data.Length / 4 * 3 + 3];
        return Convert.TryFromBase64Chars(data, bytes, out var written) && written > 0
            ? bytes[..written]
            : throw Invalid(param, "The image data URL is not valid base64.");
    }
}

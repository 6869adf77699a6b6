using System.ComponentModel.DataAnnotations;

namespace MikuCloud.Api.OpenAi.ImageUrls;

/// <summary>
/// How <c>/v1/chat/completions</c> fetches <c>http(s)</c> image URLs, bound from <c>OpenAi:ImageUrlFetching</c> and
/// validated at startup. Whatever these say, only public addresses are ever contacted (<see cref="ImageFetchAddressPolicy"/>).
/// </summary>
public sealed class ImageUrlFetchOptions
{
    /// <summary>Configuration section name.</summary>
    public const string SectionName = "OpenAi:ImageUrlFetching";

    /// <summary>
    /// Whether fetching is on until an admin decides (<c>PUT /api/admin/settings</c>, which then overrides this, in
    /// either auth mode). Off by default: fetching lets callers make the server send requests.
    /// </summary>
    public bool Enabled { get; set; }

    /// <summary>Largest image fetched, in bytes; null: the image pipeline's own limit (<c>Images:MaxBytes</c>).</summary>
    [Range(1L, 1L << 30)]
    public long? MaxBytes { get; set; }

    /// <summary>The whole fetch of one image — connecting, every redirect, reading the body — must end within this.</summary>
    [Range(typeof(TimeSpan), "00:00:00.100", "00:02:00")]
    public TimeSpan Timeout { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>Redirects followed per image (each hop is checked like the first URL).</summary>
    [Range(0, 10)]
    public int MaxRedirects { get; set; } = 3;
}

using System.Buffers;
using System.Diagnostics;
using System.Net;
using Microsoft.Extensions.Options;
using MikuCloud.Api.Chat;
using MikuCloud.Api.Images;
using OpenTelemetry;

namespace MikuCloud.Api.OpenAi.ImageUrls;

/// <summary>
/// Fetches one <c>http(s)</c> image URL for <c>/v1</c>: through the guarded client (public addresses only, checked at
/// every connection), following at most a few redirects itself (each one re-checked), within a size limit counted on
/// the bytes as they arrive and a time limit on the whole fetch. Returns the raw bytes: the image pipeline decides what
/// they are, never the server's <c>Content-Type</c>.
/// </summary>
public sealed class RemoteImageFetcher(IHttpClientFactory clients, IOptions<ImageUrlFetchOptions> options, IOptions<ImagePipelineOptions> images)
{
    /// <summary>The named client (see <see cref="ImageUrlFetchingSetup"/>).</summary>
    public const string HttpClientName = "image-url-fetch";

    private readonly ImageUrlFetchOptions settings = options.Value;
    private readonly long maxBytes = options.Value.MaxBytes ?? images.Value.MaxBytes;

    /// <summary>The image at <paramref name="url"/>; refusals are problems naming <paramref name="param"/>.</summary>
    public async Task<byte[]> FetchAsync(Uri url, string param, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(url);
        // Our own span, without the URL (it is message content); the HttpClient spans below would record it.
        using var span = ChatTelemetry.Source.StartActivity("mikucloud.image.fetch");
        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        deadline.CancelAfter(settings.Timeout);
        using var untraced = SuppressInstrumentationScope.Begin();
        var client = clients.CreateClient(HttpClientName);
        try
        {
            var bytes = await FollowAsync(client, url, param, deadline.Token);
            span?.SetTag("mikucloud.image.fetched_bytes", bytes.Length);
            return bytes;
        }
        catch (ApiProblem problem)
        {
            span?.SetStatus(ActivityStatusCode.Error, problem.Code);
            throw;
        }
        catch (HttpRequestException ex) when (ex.InnerException is ImageUrlBlockedException || ex.InnerException?.InnerException is ImageUrlBlockedException)
        {
            span?.SetStatus(ActivityStatusCode.Error, ProblemCodes.ImageUrlBlocked);
            throw Blocked(param);
        }
        catch (Exception ex) when (ex is HttpRequestException or IOException or OperationCanceledException && !cancellationToken.IsCancellationRequested)
        {
            span?.SetStatus(ActivityStatusCode.Error, ProblemCodes.ImageUrlFetchFailed);
            throw Failed(param, ex is OperationCanceledException
                ? $"The image URL did not answer within {settings.Timeout.TotalSeconds:0.#} s."
                : "The image URL could not be reached.");
        }
    }

    private async Task<byte[]> FollowAsync(HttpClient client, Uri url, string param, CancellationToken cancellationToken)
    {
        for (var hop = 0; ; hop++)
        {
            using var request = new HttpRequestMessage(HttpMethod.Get, url);
            request.Headers.Accept.ParseAdd("image/*");
            using var response = await client.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, cancellationToken);
            if (IsRedirect(response.StatusCode) && response.Headers.Location is { } location)
            {
                if (hop >= settings.MaxRedirects)
                {
                    throw Failed(param, $"The image URL redirected more than {settings.MaxRedirects} times.");
                }

                url = new Uri(url, location);
                if (!IsHttp(url) || url.Host.Length == 0)
                {
                    throw Blocked(param);
                }

                continue;
            }

            if (!response.IsSuccessStatusCode)
            {
                throw Failed(param, $"The image URL answered HTTP {(int)response.StatusCode}.");
            }

            if (response.Content.Headers.ContentLength > maxBytes)
            {
                throw TooLarge(param);
            }

            return await ReadAsync(response.Content, param, cancellationToken);
        }
    }

    /// <summary>The body, refused as soon as it passes the limit (a missing or false Content-Length changes nothing).</summary>
    private async Task<byte[]> ReadAsync(HttpContent content, string param, CancellationToken cancellationToken)
    {
        await using var body = await content.ReadAsStreamAsync(cancellationToken);
        var buffer = new ArrayBufferWriter<byte>(81_920);
        while (true)
        {
            var read = await body.ReadAsync(buffer.GetMemory(81_920), cancellationToken);
            if (read == 0)
            {
                return buffer.WrittenSpan.ToArray();
            }

            buffer.Advance(read);
            if (buffer.WrittenCount > maxBytes)
            {
                throw TooLarge(param);
            }
        }
    }

    /// <summary>True for an absolute http or https URL: the only schemes fetched, on the first hop and after redirects.</summary>
    public static bool IsHttp(Uri url) => url is { IsAbsoluteUri: true } && (url.Scheme == Uri.UriSchemeHttp || url.Scheme == Uri.UriSchemeHttps);

    private static bool IsRedirect(HttpStatusCode status) => status is HttpStatusCode.MovedPermanently or HttpStatusCode.Found
        or HttpStatusCode.SeeOther or HttpStatusCode.TemporaryRedirect or HttpStatusCode.PermanentRedirect;

    private static ApiProblem Blocked(string param) => new(400, ProblemCodes.ImageUrlBlocked,
        "The image URL leads to an address this server does not contact (only public http(s) addresses are fetched).",
        new Dictionary<string, string[]> { [param] = ["Use a public http(s) URL, or send the image as a data URL."] });

    private static ApiProblem Failed(string param, string why) => new(400, ProblemCodes.ImageUrlFetchFailed, why,
        new Dictionary<string, string[]> { [param] = [why] });

    private ApiProblem TooLarge(string param) => new(413, ProblemCodes.ImageTooLarge,
        $"The image at the URL is larger than {maxBytes:N0} bytes.",
        new Dictionary<string, string[]> { [param] = [$"At most {maxBytes:N0} bytes."] });
}

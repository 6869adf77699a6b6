using Microsoft.Extensions.Options;
using MikuCloud.Api.Images;

namespace MikuCloud.Api.OpenAi.ImageUrls;

/// <summary>
/// Turns a read request's <c>http(s)</c> image parts into bytes before the turn starts: refused while fetching is off,
/// otherwise each fetched by <see cref="RemoteImageFetcher"/>. A request with data URLs only costs nothing here.
/// </summary>
public sealed class ChatCompletionImages(ImageUrlFetchingSwitch fetching, RemoteImageFetcher fetcher, IOptions<ImagePipelineOptions> images)
{
    /// <summary><paramref name="request"/> with every image as bytes, in the order sent.</summary>
    public async Task<ChatCompletionRequest> FetchAsync(ChatCompletionRequest request, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        var remote = request.Messages.SelectMany(m => m.Images).Where(i => i.Url is not null).ToList();
        if (remote.Count == 0)
        {
            return request;
        }

        if (!await fetching.IsOnAsync(cancellationToken))
        {
            throw new ApiProblem(400, ProblemCodes.ImageUrlNotAllowed,
                "This server does not fetch images from URLs; send the image as a data URL (data:image/png;base64,…).",
                new Dictionary<string, string[]> { [remote[0].Param] = ["Send a data URL."] });
        }

        // Each URL is a request the server makes for the caller: as many per request as one message may carry images.
        if (remote.Count > images.Value.MaxImagesPerMessage)
        {
            throw ApiProblem.Invalid(remote[images.Value.MaxImagesPerMessage].Param,
                $"At most {images.Value.MaxImagesPerMessage} image URLs per request; send the others as data URLs.");
        }

        var messages = new List<ChatCompletionMessage>(request.Messages.Count);
        foreach (var message in request.Messages)
        {
            var fetched = new List<ChatCompletionImage>(message.Images.Count);
            foreach (var image in message.Images)
            {
                fetched.Add(image.Url is { } url ? new ChatCompletionImage(image.Param, await fetcher.FetchAsync(url, image.Param, cancellationToken)) : image);
            }

            messages.Add(message with { Images = fetched });
        }

        return request with { Messages = messages };
    }
}

using System.Runtime.CompilerServices;
using System.Text;
using Microsoft.AspNetCore.WebUtilities;
using Microsoft.Net.Http.Headers;
using MikuCloud.Api.Requests;

namespace MikuCloud.Api.Batches;

/// <summary>
/// Reads a batch upload (<c>multipart/form-data</c>) part by part as it arrives: fields as bounded text, files as
/// streams to read before the next part. An upload of thousands of images is never held whole.
/// </summary>
public static class BatchUploadForm
{
    /// <summary>Longest field value, in bytes (the prompt, a schema).</summary>
    public const int MaxFieldBytes = 128 * 1024;

    public static async IAsyncEnumerable<BatchFormPart> ReadAsync(HttpRequest request, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        if (!MediaTypeHeaderValue.TryParse(request.ContentType, out var type) || !type.MediaType.Equals("multipart/form-data", StringComparison.OrdinalIgnoreCase)
            || HeaderUtilities.RemoveQuotes(type.Boundary).Value is not { Length: > 0 and <= 200 } boundary)
        {
            throw new ApiProblem(415, ProblemCodes.UnsupportedMediaType, "Send multipart/form-data: the fields, then the images as 'files' parts.");
        }

        var reader = new MultipartReader(boundary, request.Body) { HeadersLengthLimit = 16 * 1024, HeadersCountLimit = 16 };
        while (await Next(reader, request, cancellationToken) is { } section)
        {
            if (!ContentDispositionHeaderValue.TryParse(section.ContentDisposition, out var disposition)
                || !disposition.DispositionType.Equals("form-data", StringComparison.OrdinalIgnoreCase))
            {
                continue; // not a form part: skipped, as browsers never send one
            }

            var name = HeaderUtilities.RemoveQuotes(disposition.Name).Value ?? "";
            if (disposition.IsFileDisposition())
            {
                var fileName = HeaderUtilities.RemoveQuotes(disposition.FileNameStar.HasValue ? disposition.FileNameStar : disposition.FileName).Value ?? "";
                yield return new BatchFormPart(name, null, Echo.Cap(fileName.Replace('\\', '/'), 1_000), section.Body);
            }
            else
            {
                yield return new BatchFormPart(name, await ReadFieldAsync(name, section.Body, cancellationToken), null, null);
            }
        }
    }

    private static async Task<MultipartSection?> Next(MultipartReader reader, HttpRequest request, CancellationToken cancellationToken)
    {
        try
        {
            return await reader.ReadNextSectionAsync(cancellationToken);
        }
        catch (InvalidDataException ex)
        {
            throw new ApiProblem(400, ProblemCodes.MalformedRequest, $"The multipart body is malformed: {Echo.Cap(ex.Message, 200)}");
        }
        catch (BadHttpRequestException ex)
        {
            throw BadRequestBodyHandler.ToProblem(request.HttpContext, ex)!;
        }
        catch (IOException ex) when (!cancellationToken.IsCancellationRequested)
        {
            throw EndedEarly(ex);
        }
    }

    /// <summary>
    /// Runs <paramref name="read"/> over a file part's body: a body that ends inside the part (a dropped connection) is
    /// the same 400 as one that ends between parts, not a server error.
    /// </summary>
    public static async Task ReadFileAsync(Func<Task> read, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(read);
        try
        {
            await read();
        }
        catch (IOException ex) when (!cancellationToken.IsCancellationRequested)
        {
            throw EndedEarly(ex);
        }
    }

    private static ApiProblem EndedEarly(IOException ex) =>
        new(400, ProblemCodes.MalformedRequest, $"The request body ended early: {Echo.Cap(ex.Message, 200)}");

    private static async Task<string> ReadFieldAsync(string name, Stream body, CancellationToken cancellationToken)
    {
        using var buffer = new MemoryStream();
        var chunk = new byte[16 * 1024];
        int read;
        while ((read = await body.ReadAsync(chunk, cancellationToken)) > 0)
        {
            buffer.Write(chunk, 0, read);
            if (buffer.Length > MaxFieldBytes)
            {
                throw ApiProblem.Invalid(Echo.Cap(name, 64), $"The field '{Echo.Cap(name, 64)}' is longer than {MaxFieldBytes / 1024} KB.");
            }
        }

        try
        {
            return new UTF8Encoding(false, throwOnInvalidBytes: true).GetString(buffer.GetBuffer(), 0, (int)buffer.Length);
        }
        catch (DecoderFallbackException)
        {
            throw JsonErrors.InvalidText(Echo.Cap(name, 64));
        }
    }
}

using System.Text.Json;
using MikuCloud.Api.Requests;

namespace MikuCloud.Api.Chat;

/// <summary>
/// Reads the optional JSON body of <c>POST …/messages/{messageId}/regenerate</c> (another preset or options for the
/// new answer): none, or JSON within the default body limit; what is wrong is a 400/413/415 problem.
/// </summary>
public static class RegenerateRequestReader
{
    /// <summary>The optional JSON body of a regenerate: another preset or options (none: the conversation's).</summary>
    public static async Task<RegenerateRequest?> ReadAsync(HttpRequest request, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        if (!(request.ContentLength is > 0 || request.HasJsonContentType() || request.ContentLength is null && request.Headers.TransferEncoding.Count > 0))
        {
            return null;
        }

        if (!request.HasJsonContentType())
        {
            throw new ApiProblem(415, ProblemCodes.UnsupportedMediaType, "Send the body as application/json, or send none.");
        }

        RegenerateRequest? body;
        try
        {
            body = await request.ReadFromJsonAsync<RegenerateRequest>(cancellationToken);
        }
        catch (JsonException ex)
        {
            throw JsonErrors.Malformed(ex);
        }
        catch (Exception ex) when (JsonErrors.IsInvalidText(ex))
        {
            throw JsonErrors.InvalidText(null);
        }
        catch (BadHttpRequestException ex) when (BadRequestBodyHandler.ToProblem(request.HttpContext, ex) is { } problem)
        {
            throw problem;
        }

        return (!JsonText.IsValid(body?.PresetId) ? "presetId" : JsonText.FindInvalid(body?.Options, "options")) is { } invalid
            ? throw JsonErrors.InvalidText(invalid)
            : body;
    }
}

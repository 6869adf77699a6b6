using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.Extensions.Options;
using MikuCloud.Api.Images;
using MikuCloud.Api.Requests;

namespace MikuCloud.Api.Chat;

/// <summary>
/// Reads <c>POST …/messages</c> in either form: <c>multipart/form-data</c> (<c>content</c>, <c>images</c> files,
/// <c>presetId</c>, <c>options</c> as JSON text) or JSON (<c>{content, images:[{mediaType, data}], presetId, options}</c>);
/// for a new conversation's first message also <c>title</c>, <c>systemPrompt</c>, <c>model</c> and <c>knowledgeBaseIds</c>.
/// Everything is bounded before it is buffered; what is wrong is said field by field.
/// </summary>
public sealed class IncomingMessageReader(IOptions<ChatServerOptions> chat, IOptions<ImagePipelineOptions> images)
{
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web) { MaxDepth = 16 };

    /// <summary>
    /// The largest body a message can legitimately be: the JSON form with the most images, each the largest there may
    /// be as base64, and the longest text (the multipart form of the same message is smaller). Declared on the
    /// operation (<see cref="BodyLimits"/>) unless <c>Chat:MaxRequestBytes</c> sets it.
    /// </summary>
    public static long MaxBodyBytes(ChatServerOptions chat, ImagePipelineOptions images)
    {
        ArgumentNullException.ThrowIfNull(chat);
        ArgumentNullException.ThrowIfNull(images);
        return chat.MaxRequestBytes ?? images.MaxImagesPerMessage * MessageJsonScanner.ImageDataBytes(images)
            + BodyLimits.JsonString(chat.MaxContentLength) + BodyLimits.DefaultBytes;
    }

    /// <summary>The largest first message of a new conversation: a message and the conversation's own fields at their longest.</summary>
    public static long MaxStartBodyBytes(ChatServerOptions chat, ImagePipelineOptions images) =>
        MaxBodyBytes(chat, images) + Conversations.ConversationFields.MaxBodyBytes;

    /// <summary>A message to an existing conversation.</summary>
    public Task<IncomingMessage> ReadAsync(HttpRequest request, CancellationToken cancellationToken) =>
        ReadAsync(request, startsConversation: false, cancellationToken);

    /// <summary>A new conversation's first message, with its <c>title</c> and <c>systemPrompt</c>.</summary>
    public Task<IncomingMessage> ReadStartAsync(HttpRequest request, CancellationToken cancellationToken) =>
        ReadAsync(request, startsConversation: true, cancellationToken);

    private async Task<IncomingMessage> ReadAsync(HttpRequest request, bool startsConversation, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        try
        {
            var input = request.HasFormContentType && request.ContentType!.Contains("multipart/form-data", StringComparison.OrdinalIgnoreCase)
                ? await ReadMultipartAsync(request, startsConversation, cancellationToken)
                : request.HasJsonContentType()
                    ? await ReadJsonAsync(request, startsConversation, cancellationToken)
                    : throw new ApiProblem(415, ProblemCodes.UnsupportedMediaType, "Send multipart/form-data or application/json.");
            return Validate(input);
        }
        catch (ApiProblem problem) when (!cancellationToken.IsCancellationRequested)
        {
            // A refusal may come before the body was read to its end (a field over its limit): the rest is not worth reading.
            problem.CloseConnection = true;
            throw;
        }
        catch (BadHttpRequestException ex)
        {
            // Over the operation's limit (413), too slow (408), ended early (400): the same problems as anywhere else.
            throw BadRequestBodyHandler.ToProblem(request.HttpContext, ex)!;
        }
        catch (InvalidDataException ex)
        {
            throw new ApiProblem(400, ProblemCodes.MalformedRequest, $"The multipart body is malformed: {Echo.Cap(ex.Message, 200)}");
        }
        catch (JsonException ex)
        {
            throw JsonErrors.Malformed(ex);
        }
        catch (Exception ex) when (JsonErrors.IsInvalidText(ex))
        {
            // System.Text.Json meets invalid UTF-8 only when it decodes a string or property name.
            throw JsonErrors.InvalidText(null);
        }
        catch (IOException ex) when (!cancellationToken.IsCancellationRequested)
        {
            throw new ApiProblem(400, ProblemCodes.MalformedRequest, $"The request body ended early: {Echo.Cap(ex.Message, 200)}");
        }
    }

    private async Task<IncomingMessage> ReadJsonAsync(HttpRequest request, bool startsConversation, CancellationToken cancellationToken)
    {
        // Watched as it arrives: a field far over its limit is refused before the body is held whole. Only a new
        // conversation reads title and systemPrompt: elsewhere they stay unknown properties, skipped unread as before.
        var scanner = new MessageJsonScanner(chat.Value, images.Value);
        var body = (startsConversation
                       ? await scanner.ReadAsync<StartConversationRequest>(request, Json, cancellationToken)
                       : await scanner.ReadAsync<SendMessageRequest>(request, Json, cancellationToken) is { } message
                           ? new StartConversationRequest(message.Content, message.Images, message.PresetId, message.Options)
                           : null)
                   ?? throw new ApiProblem(400, ProblemCodes.MalformedJson, "The JSON body is empty.");
        // A JsonObject decodes its property names lazily; do it here, where a bad byte is still a 400.
        _ = body.Options?.Count;
        var list = new List<byte[]>();
        var uploads = body.Images ?? [];
        if (uploads.Count > images.Value.MaxImagesPerMessage)
        {
            throw TooManyImages(uploads.Count);
        }

        for (var i = 0; i < uploads.Count; i++)
        {
            var data = uploads[i]?.Data;
            if (string.IsNullOrEmpty(data))
            {
                throw ApiProblem.Invalid($"images[{i}].data", "Each image needs its bytes as base64 in 'data'.");
            }

            // Accept data: URLs as browsers produce them.
            var comma = data.StartsWith("data:", StringComparison.Ordinal) ? data.IndexOf(',', StringComparison.Ordinal) : -1;
            var bytes = new byte[(data.Length - comma - 1) * 3 / 4 + 3];
            if (!Convert.TryFromBase64String(data[(comma + 1)..], bytes, out var written))
            {
                throw ApiProblem.Invalid($"images[{i}].data", "'data' is not valid base64.");
            }

            list.Add(bytes[..written]);
        }

        return new IncomingMessage(body.Content ?? "", list, body.PresetId, body.Options, body.Title, body.SystemPrompt, body.Model, body.KnowledgeBaseIds);
    }

    private async Task<IncomingMessage> ReadMultipartAsync(HttpRequest request, bool startsConversation, CancellationToken cancellationToken)
    {
        var form = await request.ReadFormAsync(new FormOptions
        {
            MultipartBodyLengthLimit = startsConversation ? MaxStartBodyBytes(chat.Value, images.Value) : MaxBodyBytes(chat.Value, images.Value),
            ValueLengthLimit = chat.Value.MaxContentLength * 4 + 1024,
            ValueCountLimit = 64,
            MultipartHeadersLengthLimit = 16 * 1024,
        }, cancellationToken);

        var files = form.Files.GetFiles("images");
        if (files.Count > images.Value.MaxImagesPerMessage)
        {
            throw TooManyImages(files.Count);
        }

        var list = new List<byte[]>();
        foreach (var file in files)
        {
            if (file.Length > images.Value.MaxBytes)
            {
                throw new ApiProblem(413, ImageErrorCodes.TooLarge, $"Image '{SafeName(file.FileName)}' is {file.Length / 1048576.0:0.#} MB; the limit is {images.Value.MaxBytes / 1048576} MB per image.");
            }

            using var buffer = new MemoryStream((int)file.Length);
            await file.CopyToAsync(buffer, cancellationToken);
            list.Add(buffer.ToArray());
        }

        JsonObject? options = null;
        if (form.TryGetValue("options", out var text) && !string.IsNullOrWhiteSpace(text))
        {
            options = JsonNode.Parse(text.ToString(), documentOptions: new JsonDocumentOptions { MaxDepth = 16 }) as JsonObject
                      ?? throw ApiProblem.Invalid("options", "'options' must be a JSON object.");
        }

        return new IncomingMessage(form["content"].ToString(), list, NullIfEmpty(form["presetId"].ToString()), options,
            startsConversation && form.TryGetValue("title", out var title) ? title.ToString() : null,
            startsConversation && form.TryGetValue("systemPrompt", out var systemPrompt) ? systemPrompt.ToString() : null,
            startsConversation ? NullIfEmpty(form["model"].ToString()) : null,
            startsConversation ? KnowledgeBaseIds(form["knowledgeBaseIds"]) : null);
    }

    /// <summary>The multipart form's <c>knowledgeBaseIds</c>: the field repeated, or ids separated by commas.</summary>
    private static List<Guid> KnowledgeBaseIds(Microsoft.Extensions.Primitives.StringValues values)
    {
        var ids = new List<Guid>();
        foreach (var part in values.SelectMany(v => (v ?? "").Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)))
        {
            ids.Add(Guid.TryParse(part, out var id) ? id : throw ApiProblem.Invalid("knowledgeBaseIds", "knowledgeBaseIds must be knowledge base ids (from GET /api/knowledge/bases)."));
        }

        return ids;
    }

    private IncomingMessage Validate(IncomingMessage input)
    {
        // An unpaired surrogate ("\ud800") decodes into a .NET string that PostgreSQL would refuse to store.
        var invalid = !JsonText.IsValid(input.Content) ? "content"
            : !JsonText.IsValid(input.PresetId) ? "presetId"
            : !JsonText.IsValid(input.Title) ? "title"
            : !JsonText.IsValid(input.SystemPrompt) ? "systemPrompt"
            : !JsonText.IsValid(input.Model) ? "model"
            : JsonText.FindInvalid(input.Options, "options");
        if (invalid is not null)
        {
            throw JsonErrors.InvalidText(invalid);
        }

        var content = StripControlCharacters(input.Content);
        if (content.Trim().Length == 0 && input.Images.Count == 0)
        {
            throw ApiProblem.Invalid("content", "Write a message or attach an image.");
        }

        if (content.Length > chat.Value.MaxContentLength)
        {
            throw ApiProblem.Invalid("content", $"The message is {content.Length:N0} characters; the limit is {chat.Value.MaxContentLength:N0}.");
        }

        return input with { Content = content };
    }

    private ApiProblem TooManyImages(int count) =>
        ApiProblem.Invalid("images", $"{count} images attached; the limit is {images.Value.MaxImagesPerMessage} per message.");

    /// <summary>Removes C0/C1 control characters except tab and newlines (they confuse the model and logs).</summary>
    internal static string StripControlCharacters(string text)
    {
        if (!text.Any(c => char.IsControl(c) && c is not ('\n' or '\r' or '\t')))
        {
            return text;
        }

        var sb = new StringBuilder(text.Length);
        foreach (var c in text)
        {
            if (!char.IsControl(c) || c is '\n' or '\r' or '\t')
            {
                sb.Append(c);
            }
        }

        return sb.ToString();
    }

    private static string SafeName(string name) => name.Length > 60 ? name[..60] + "…" : name;

    private static string? NullIfEmpty(string s) => string.IsNullOrWhiteSpace(s) ? null : s;
}

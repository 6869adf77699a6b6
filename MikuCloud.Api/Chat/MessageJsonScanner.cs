using System.Buffers;
using System.IO.Pipelines;
using System.Text.Json;
using MikuCloud.Api.Images;
using MikuCloud.Api.Requests;

namespace MikuCloud.Api.Chat;

/// <summary>
/// Reads the JSON form of <c>POST …/messages</c> into memory while watching each value as it arrives, so that a value
/// longer than its field can be (a <c>content</c> of 190 MB, an image over 20 MB, a 10 MB property name) is refused
/// when it passes that length — not after the whole body was parsed. Only then is the body handed to System.Text.Json.
/// </summary>
/// <remarks>
/// The body is held in pooled segments (no doubling buffer). The ceilings are in bytes of JSON: a character takes at
/// most 6 (<c>\uXXXX</c>), so a string token longer than 6 × the character limit is certainly over it.
/// </remarks>
public sealed class MessageJsonScanner(ChatServerOptions chat, ImagePipelineOptions images)
{
    /// <summary>The longest any other value (presetId, option values, a property name, whitespace) may run.</summary>
    public const long SmallValueBytes = 64 * 1024;

    private static readonly JsonReaderOptions ReaderOptions = new() { MaxDepth = 16 };

    private string? rootProperty;
    private string? imageProperty;
    private int lastPropertyDepth = -1;
    private bool imagesIsArray;
    private int imageCount;

    /// <summary>Longest JSON of one image's <c>data</c>: base64 of the largest image, a quarter more for escaped characters, and a data: URL prefix.</summary>
    public static long ImageDataBytes(ImagePipelineOptions images)
    {
        ArgumentNullException.ThrowIfNull(images);
        var base64 = (images.MaxBytes + 2) / 3 * 4;
        return base64 + base64 / 4 + 1024;
    }

    /// <summary>Reads the whole body (refusing early what cannot fit) and deserializes it.</summary>
    public async Task<T?> ReadAsync<T>(HttpRequest request, JsonSerializerOptions options, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        // Never paused: the reader keeps every byte until the body is complete (its size is bounded by the operation's limit).
        var pipe = new Pipe(new PipeOptions(pauseWriterThreshold: 0, minimumSegmentSize: 64 * 1024, useSynchronizationContext: false));
        try
        {
            var state = new JsonReaderState(ReaderOptions);
            SequencePosition? scanned = null;
            while (true)
            {
                var read = await request.Body.ReadAsync(pipe.Writer.GetMemory(64 * 1024), cancellationToken);
                pipe.Writer.Advance(read);
                if (read == 0)
                {
                    await pipe.Writer.CompleteAsync();
                }
                else
                {
                    await pipe.Writer.FlushAsync(cancellationToken);
                }

                // Completes at once: there is new data, or the writer has completed.
                var all = (await pipe.Reader.ReadAsync(cancellationToken)).Buffer;
                try
                {
                    var rest = scanned is { } at ? all.Slice(at) : all;
                    (state, var position) = Scan(rest, isFinal: read == 0, state);
                    scanned = position;
                    if (read == 0)
                    {
                        return all.IsEmpty ? default : Deserialize<T>(all, options);
                    }
                }
                finally
                {
                    pipe.Reader.AdvanceTo(all.Start, all.End);
                }
            }
        }
        finally
        {
            await pipe.Reader.CompleteAsync();
            await pipe.Writer.CompleteAsync();
        }
    }

    private static T? Deserialize<T>(ReadOnlySequence<byte> body, JsonSerializerOptions options)
    {
        var reader = new Utf8JsonReader(body, new JsonReaderOptions { MaxDepth = options.MaxDepth });
        return JsonSerializer.Deserialize<T>(ref reader, options);
    }

    private (JsonReaderState State, SequencePosition Position) Scan(ReadOnlySequence<byte> data, bool isFinal, JsonReaderState state)
    {
        var reader = new Utf8JsonReader(data, isFinal, state);
        while (reader.Read())
        {
            Observe(ref reader);
        }

        var pending = data.Length - reader.BytesConsumed;
        if (!isFinal && pending > PendingLimit())
        {
            throw Refusal();
        }

        return (reader.CurrentState, reader.Position);
    }

    private void Observe(ref Utf8JsonReader reader)
    {
        var depth = reader.CurrentDepth;
        switch (reader.TokenType)
        {
            case JsonTokenType.PropertyName:
                lastPropertyDepth = depth;
                if (depth == 1)
                {
                    rootProperty = reader.GetString()!.ToLowerInvariant();
                    imagesIsArray = false;
                }
                else if (depth == 3 && rootProperty == "images")
                {
                    imageProperty = reader.GetString()!.ToLowerInvariant();
                }

                return;
            case JsonTokenType.StartArray when depth == 1 && rootProperty == "images" && lastPropertyDepth == 1:
                imagesIsArray = true;
                break;
            case JsonTokenType.EndObject or JsonTokenType.EndArray:
                break;
            default:
                // An element of the images array: refuse the ninth before reading it.
                if (depth == 2 && imagesIsArray && rootProperty == "images" && ++imageCount > images.MaxImagesPerMessage)
                {
                    throw ApiProblem.Invalid("images", $"More than {images.MaxImagesPerMessage} images attached; the limit is {images.MaxImagesPerMessage} per message.");
                }

                break;
        }

        lastPropertyDepth = -1;
    }

    /// <summary>How long the value now arriving may be, by the field it belongs to.</summary>
    private long PendingLimit() => Pending switch
    {
        Field.Content => BodyLimits.JsonString(chat.MaxContentLength),
        Field.ImageData => ImageDataBytes(images),
        Field.SystemPrompt => BodyLimits.JsonString(Conversations.ConversationFields.MaxSystemPromptLength),
        _ => SmallValueBytes,
    };

    private Field Pending =>
        lastPropertyDepth == 1 && rootProperty == "content" ? Field.Content
        : lastPropertyDepth == 1 && rootProperty == "systemprompt" ? Field.SystemPrompt
        : lastPropertyDepth == 3 && rootProperty == "images" && imagesIsArray && imageProperty == "data" ? Field.ImageData
        : Field.Other;

    private ApiProblem Refusal() => Pending switch
    {
        Field.Content => ApiProblem.Invalid("content", $"The message is longer than {chat.MaxContentLength:N0} characters; the limit is {chat.MaxContentLength:N0}."),
        Field.ImageData => new ApiProblem(413, ImageErrorCodes.TooLarge,
            $"images[{imageCount - 1}] is longer than a {images.MaxBytes / 1048576} MB image can be as base64; the limit is {images.MaxBytes / 1048576} MB per image."),
        Field.SystemPrompt => ApiProblem.Invalid("systemPrompt",
            $"The system prompt may have at most {Conversations.ConversationFields.MaxSystemPromptLength} characters."),
        _ => new ApiProblem(413, ProblemCodes.BodyTooLarge, $"A single value in the body is longer than this operation accepts ({SmallValueBytes / 1024} KB)."),
    };

    private enum Field
    {
        Other,
        Content,
        ImageData,
        SystemPrompt,
    }
}

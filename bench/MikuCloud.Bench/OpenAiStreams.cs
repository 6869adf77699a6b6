using System.Diagnostics;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;

namespace MikuCloud.Bench;

/// <summary>
/// The gateway benchmark's third client, as thin as the other two (<see cref="ChatStreams"/>): a streamed
/// <c>POST /v1/chat/completions</c> read as OpenAI's server-sent chunks, with the same per-chunk stamps.
/// </summary>
public static class OpenAiStreams
{
    /// <summary>A streamed completion asking <paramref name="content"/> of the <c>balanced</c> preset (the chat API side's preset).</summary>
    public static byte[] CompletionBody(string content) => JsonSerializer.SerializeToUtf8Bytes(new
    {
        model = "miku-vl:balanced",
        stream = true,
        messages = new[] { new { role = "user", content } },
    });

    /// <summary>Through the OpenAI-compatible door: <c>data: {chunk}</c> lines, then <c>data: [DONE]</c>.</summary>
    public static async Task<StreamResult> CompleteAsync(HttpClient api, byte[] body, List<double>? chunkLatencies, CancellationToken cancellationToken)
    {
        var result = new StreamResult();
        using var request = new HttpRequestMessage(HttpMethod.Post, "/v1/chat/completions") { Content = new ByteArrayContent(body) };
        request.Content.Headers.ContentType = new MediaTypeHeaderValue("application/json");
        result.Start = Stopwatch.GetTimestamp();
        using var response = await api.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, cancellationToken);
        result.Headers = Stopwatch.GetTimestamp();
        result.Status = (int)response.StatusCode;
        result.RetryAfter = response.Headers.RetryAfter?.Delta;
        if (!response.IsSuccessStatusCode)
        {
            result.Error = ChatStreams.Truncate(await response.Content.ReadAsStringAsync(cancellationToken));
            result.End = Stopwatch.GetTimestamp();
            return result;
        }

        await using var stream = await response.Content.ReadAsStreamAsync(cancellationToken);
        await ChatStreams.ReadLinesAsync(stream, (line, received) =>
        {
            if (!line.StartsWith("data: "u8))
            {
                return true;
            }

            var data = line[6..];
            if (data.SequenceEqual("[DONE]"u8))
            {
                result.Done = true;
                return false;
            }

            if (ReadChunk(data, out var error) is { Length: > 0 } text)
            {
                ChatStreams.OnChunk(result, text, received, chunkLatencies);
            }

            result.Error ??= error;
            return true;
        }, cancellationToken);
        result.End = Stopwatch.GetTimestamp();
        return result;
    }

    /// <summary><c>choices[0].delta.content</c> of one chunk, or the <c>error</c> object's text.</summary>
    private static string? ReadChunk(ReadOnlySpan<byte> data, out string? error)
    {
        error = null;
        var reader = new Utf8JsonReader(data);
        var depth = 0;
        var inDelta = false;
        while (reader.Read())
        {
            switch (reader.TokenType)
            {
                case JsonTokenType.StartObject or JsonTokenType.StartArray:
                    depth++;
                    break;
                case JsonTokenType.EndObject or JsonTokenType.EndArray:
                    depth--;
                    break;
                case JsonTokenType.PropertyName when depth == 1 && reader.ValueTextEquals("error"u8):
                    error = ChatStreams.Truncate(Encoding.UTF8.GetString(data));
                    return null;
                case JsonTokenType.PropertyName when reader.ValueTextEquals("delta"u8):
                    inDelta = true;
                    break;
                case JsonTokenType.PropertyName when inDelta && reader.ValueTextEquals("content"u8):
                    reader.Read();
                    return reader.TokenType == JsonTokenType.String ? reader.GetString() : null;
            }
        }

        return null;
    }
}

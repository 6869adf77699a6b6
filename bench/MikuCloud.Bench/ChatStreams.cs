using System.Buffers;
using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using MikuCloud.Testing;

namespace MikuCloud.Bench;

/// <summary>One streamed answer as a client saw it (Stopwatch timestamps; 0 = did not happen).</summary>
public sealed class StreamResult
{
    /// <summary>Just before the request was sent.</summary>
    public long Start { get; set; }

    /// <summary>Response headers received.</summary>
    public long Headers { get; set; }

    /// <summary>The first content chunk received (a <c>delta</c> event through the API).</summary>
    public long FirstToken { get; set; }

    /// <summary>When the fake Ollama sent that first chunk (from the chunk's stamp).</summary>
    public long FirstTokenSent { get; set; }

    /// <summary>The last content chunk received.</summary>
    public long LastToken { get; set; }

    /// <summary>The response ended.</summary>
    public long End { get; set; }

    public int Status { get; set; }

    /// <summary>The <c>Retry-After</c> of a refusal.</summary>
    public TimeSpan? RetryAfter { get; set; }

    public int Chunks { get; set; }

    /// <summary>The answer finished normally (<c>done: true</c>, or the <c>done</c> event).</summary>
    public bool Done { get; set; }

    public string? Error { get; set; }

    public double TtftMs => FirstToken == 0 ? double.NaN : Clock.Ms(Start, FirstToken);

    public double HeadersMs => Headers == 0 ? double.NaN : Clock.Ms(Start, Headers);

    /// <summary>Request sent → the fake sent the first chunk (the API's work before it calls Ollama, plus the fake's).</summary>
    public double UpstreamStartMs => FirstTokenSent == 0 ? double.NaN : Clock.Ms(Start, FirstTokenSent);

    /// <summary>The fake sent the first chunk → the client had it.</summary>
    public double FirstRelayMs => FirstTokenSent == 0 || FirstToken == 0 ? double.NaN : Clock.Ms(FirstTokenSent, FirstToken);

    /// <summary>Request sent → last token received.</summary>
    public double DeliveryMs => LastToken == 0 ? double.NaN : Clock.Ms(Start, LastToken);
}

/// <summary>
/// The two clients of the gateway benchmark, equally thin: straight to (fake) Ollama reading NDJSON, and through
/// the API reading server-sent events. Each chunk the fake sends carries its send time (<see cref="Stamp"/>), so
/// every relayed chunk yields a one-way latency sample.
/// </summary>
public static class ChatStreams
{
    /// <summary>Tokens the fake streams (cycled): Chinese and English, as Qwen3-VL answers.</summary>
    public static readonly string[] Tokens =
        ["图片", "中是", "一只", "橘色", "的猫", "，", "趴在", "窗台", "上", "晒", "太阳", "。", " The", " cat", " is", " lying", " on", " the", " window", "sill", "."];

    private const char StampSeparator = '#';

    /// <summary>A fake reply of <paramref name="tokens"/> stamped chunks.</summary>
    public static FakeChatReply Reply(int tokens, TimeSpan chunkDelay, TimeSpan firstChunkDelay = default) => new()
    {
        Chunks = Enumerable.Range(0, tokens).Select(i => Tokens[i % Tokens.Length]).ToList(),
        ChunkText = static (_, text) => Stamp(text),
        ChunkDelay = chunkDelay,
        PaceFromFirstChunk = true,
        FirstChunkDelay = firstChunkDelay,
        PromptEvalCount = 64,
    };

    /// <summary>The token followed by <c>#</c> and the current Stopwatch timestamp in hex.</summary>
    public static string Stamp(string token) => token + StampSeparator + Stopwatch.GetTimestamp().ToString("x", CultureInfo.InvariantCulture);

    public static bool TryReadStamp(string text, out long timestamp)
    {
        var at = text.LastIndexOf(StampSeparator);
        timestamp = 0;
        return at >= 0 && long.TryParse(text.AsSpan(at + 1), NumberStyles.AllowHexSpecifier, CultureInfo.InvariantCulture, out timestamp);
    }

    /// <summary>An HttpClient for many concurrent streams on loopback (no connection limit, no proxy, no decompression).</summary>
    public static HttpClient NewClient(Uri baseAddress, int? maxConnections = null) =>
        new(new SocketsHttpHandler
        {
            UseProxy = false,
            MaxConnectionsPerServer = maxConnections ?? int.MaxValue,
            PooledConnectionIdleTimeout = TimeSpan.FromMinutes(5),
            AutomaticDecompression = DecompressionMethods.None,
            MaxResponseDrainSize = 0,
        })
        {
            BaseAddress = baseAddress,
            Timeout = TimeSpan.FromMinutes(5),
        };

    /// <summary>Creates a conversation through the API; returns its id.</summary>
    public static async Task<Guid> CreateConversationAsync(HttpClient api, CancellationToken cancellationToken)
    {
        using var content = new ByteArrayContent("{\"presetId\":\"balanced\"}"u8.ToArray());
        content.Headers.ContentType = new MediaTypeHeaderValue("application/json");
        using var response = await api.PostAsync("/api/conversations", content, cancellationToken);
        response.EnsureSuccessStatusCode();
        using var json = JsonDocument.Parse(await response.Content.ReadAsStreamAsync(cancellationToken));
        return json.RootElement.GetProperty("id").GetGuid();
    }

    /// <summary>The API's JSON body for a new message.</summary>
    public static byte[] MessageBody(string content) =>
        JsonSerializer.SerializeToUtf8Bytes(new { content, presetId = "balanced" });

    /// <summary>Straight to Ollama: <c>POST /api/chat</c> with <paramref name="body"/>, NDJSON back.</summary>
    public static async Task<StreamResult> DirectAsync(HttpClient ollama, byte[] body, List<double>? chunkLatencies, CancellationToken cancellationToken)
    {
        var result = new StreamResult();
        using var request = new HttpRequestMessage(HttpMethod.Post, "/api/chat") { Content = new ByteArrayContent(body) };
        request.Content.Headers.ContentType = new MediaTypeHeaderValue("application/json");
        result.Start = Stopwatch.GetTimestamp();
        using var response = await ollama.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, cancellationToken);
        result.Headers = Stopwatch.GetTimestamp();
        result.Status = (int)response.StatusCode;
        if (!response.IsSuccessStatusCode)
        {
            result.Error = Truncate(await response.Content.ReadAsStringAsync(cancellationToken));
            result.End = Stopwatch.GetTimestamp();
            return result;
        }

        await using var stream = await response.Content.ReadAsStreamAsync(cancellationToken);
        await ReadLinesAsync(stream, (line, received) =>
        {
            if (line.IsEmpty)
            {
                return true;
            }

            ReadOllamaLine(line, out var content, out var done, out var error);
            if (!string.IsNullOrEmpty(content))
            {
                OnChunk(result, content, received, chunkLatencies);
            }

            if (error is not null)
            {
                result.Error = error;
            }

            result.Done |= done;
            return true;
        }, cancellationToken);
        result.End = Stopwatch.GetTimestamp();
        return result;
    }

    /// <summary>Through the API: <c>POST /api/conversations/{id}/messages</c>, server-sent events back.</summary>
    public static async Task<StreamResult> ApiAsync(HttpClient api, Guid conversationId, byte[] body, List<double>? chunkLatencies, CancellationToken cancellationToken)
    {
        var result = new StreamResult();
        using var request = new HttpRequestMessage(HttpMethod.Post, $"/api/conversations/{conversationId}/messages") { Content = new ByteArrayContent(body) };
        request.Content.Headers.ContentType = new MediaTypeHeaderValue("application/json");
        result.Start = Stopwatch.GetTimestamp();
        using var response = await api.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, cancellationToken);
        result.Headers = Stopwatch.GetTimestamp();
        result.Status = (int)response.StatusCode;
        result.RetryAfter = response.Headers.RetryAfter?.Delta;
        if (!response.IsSuccessStatusCode)
        {
            result.Error = Truncate(await response.Content.ReadAsStringAsync(cancellationToken));
            result.End = Stopwatch.GetTimestamp();
            return result;
        }

        await using var stream = await response.Content.ReadAsStreamAsync(cancellationToken);
        var eventName = "";
        await ReadLinesAsync(stream, (line, received) =>
        {
            if (line.StartsWith("event: "u8))
            {
                eventName = Encoding.UTF8.GetString(line[7..]);
            }
            else if (line.StartsWith("data: "u8))
            {
                var data = line[6..];
                switch (eventName)
                {
                    case "delta":
                        var text = ReadDeltaText(data);
                        if (!string.IsNullOrEmpty(text))
                        {
                            OnChunk(result, text, received, chunkLatencies);
                        }

                        break;
                    case "done":
                        result.Done = true;
                        break;
                    case "error":
                        result.Error = Truncate(Encoding.UTF8.GetString(data));
                        break;
                }
            }

            return true;
        }, cancellationToken);
        result.End = Stopwatch.GetTimestamp();
        return result;
    }

    internal static void OnChunk(StreamResult result, string text, long received, List<double>? chunkLatencies)
    {
        result.Chunks++;
        result.LastToken = received;
        var stamped = TryReadStamp(text, out var sent);
        if (result.FirstToken == 0)
        {
            result.FirstToken = received;
            result.FirstTokenSent = stamped ? sent : 0;
        }

        if (stamped)
        {
            chunkLatencies?.Add(Clock.Ms(sent, received));
        }
    }

    internal delegate bool LineHandler(ReadOnlySpan<byte> line, long receivedTimestamp);

    /// <summary>Reads lines as they arrive; every line of one read gets that read's timestamp.</summary>
    internal static async Task ReadLinesAsync(Stream stream, LineHandler handler, CancellationToken cancellationToken)
    {
        var buffer = ArrayPool<byte>.Shared.Rent(16 * 1024);
        var filled = 0;
        try
        {
            while (true)
            {
                if (filled == buffer.Length)
                {
                    var bigger = ArrayPool<byte>.Shared.Rent(buffer.Length * 2);
                    buffer.AsSpan(0, filled).CopyTo(bigger);
                    ArrayPool<byte>.Shared.Return(buffer);
                    buffer = bigger;
                }

                var read = await stream.ReadAsync(buffer.AsMemory(filled), cancellationToken);
                var now = Stopwatch.GetTimestamp();
                if (read == 0)
                {
                    if (filled > 0)
                    {
                        handler(buffer.AsSpan(0, filled), now);
                    }

                    return;
                }

                filled += read;
                var consumed = Dispatch(buffer.AsSpan(0, filled), handler, now, out var stop);
                if (stop)
                {
                    return;
                }

                buffer.AsSpan(consumed, filled - consumed).CopyTo(buffer);
                filled -= consumed;
            }
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }

    private static int Dispatch(ReadOnlySpan<byte> data, LineHandler handler, long now, out bool stop)
    {
        var consumed = 0;
        stop = false;
        int newline;
        while ((newline = data[consumed..].IndexOf((byte)'\n')) >= 0)
        {
            var line = data.Slice(consumed, newline);
            consumed += newline + 1;
            if (!handler(line.TrimEnd((byte)'\r'), now))
            {
                stop = true;
                break;
            }
        }

        return consumed;
    }

    /// <summary>One Ollama NDJSON line: <c>message.content</c>, <c>done</c>, <c>error</c>.</summary>
    private static void ReadOllamaLine(ReadOnlySpan<byte> line, out string? content, out bool done, out string? error)
    {
        content = null;
        error = null;
        done = false;
        var reader = new Utf8JsonReader(line);
        var depth = 0;
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
                case JsonTokenType.PropertyName when depth == 1 && reader.ValueTextEquals("done"u8):
                    reader.Read();
                    done = reader.TokenType == JsonTokenType.True;
                    break;
                case JsonTokenType.PropertyName when depth == 1 && reader.ValueTextEquals("error"u8):
                    reader.Read();
                    error = reader.TokenType == JsonTokenType.String ? reader.GetString() : "error";
                    break;
                case JsonTokenType.PropertyName when depth == 2 && reader.ValueTextEquals("content"u8):
                    reader.Read();
                    content = reader.GetString();
                    break;
            }
        }
    }

    /// <summary>The <c>text</c> of a <c>delta</c> event's data.</summary>
    private static string? ReadDeltaText(ReadOnlySpan<byte> data)
    {
        var reader = new Utf8JsonReader(data);
        while (reader.Read())
        {
            if (reader.TokenType == JsonTokenType.PropertyName && reader.CurrentDepth == 1 && reader.ValueTextEquals("text"u8))
            {
                reader.Read();
                return reader.GetString();
            }
        }

        return null;
    }

    internal static string Truncate(string text) => text.Length <= 300 ? text : text[..300] + "…";
}

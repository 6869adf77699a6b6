using System.Text;
using System.Text.Json;

namespace MikuCloud.Api.Chat;

/// <summary>
/// Sits on one chat call's HttpClient (<see cref="WatchedOllamaChatClient"/>): tees Ollama's NDJSON responses to spot <c>{"error": …}</c> lines for
/// <see cref="OllamaStreamWatch"/>, and aborts the response the moment the call is cancelled — OllamaSharp reads the
/// stream without the token, so without this a user who leaves would leave Ollama generating until the answer ends.
/// </summary>
public sealed class OllamaStreamWatchHandler(OllamaStreamWatch watch) : DelegatingHandler
{
    protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        var response = await base.SendAsync(request, cancellationToken).ConfigureAwait(false);
        watch.StatusCode = (int)response.StatusCode;
        if (!response.IsSuccessStatusCode)
        {
            var body = await response.Content.ReadAsStringAsync(cancellationToken).ConfigureAwait(false);
            watch.Error = TryReadError(body) ?? $"Ollama answered {(int)response.StatusCode}.";
            var replacement = new StringContent(body, Encoding.UTF8, response.Content.Headers.ContentType?.MediaType ?? "application/json");
            response.Content = replacement;
            return response;
        }

        var inner = await response.Content.ReadAsStreamAsync(cancellationToken).ConfigureAwait(false);
        // Disposing the original response closes the socket (the Ollama client never drains), which ends a pending read.
        // Not the token passed to SendAsync: HttpClient links it to its own source and disposes that source once the
        // headers are in, so it never fires while the body streams. The turn's token comes through the watch.
        var abort = watch.Cancellation.Register(static r => ((HttpResponseMessage)r!).Dispose(), response);
        var content = new StreamContent(new ErrorLineSniffer(inner, watch, abort));
        foreach (var header in response.Content.Headers)
        {
            content.Headers.TryAddWithoutValidation(header.Key, header.Value);
        }

        response.Content = content;
        return response;
    }

    internal static string? TryReadError(string text)
    {
        try
        {
            using var doc = JsonDocument.Parse(text);
            return doc.RootElement.ValueKind == JsonValueKind.Object && doc.RootElement.TryGetProperty("error", out var e) && e.ValueKind == JsonValueKind.String
                ? e.GetString()
                : null;
        }
        catch (JsonException)
        {
            return null;
        }
    }

    /// <summary>Passes bytes through unchanged while looking at each line's start for <c>{"error"</c>.</summary>
    private sealed class ErrorLineSniffer(Stream inner, OllamaStreamWatch watch, CancellationTokenRegistration abort) : Stream
    {
        private readonly MemoryStream line = new();

        public override async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
        {
            var read = await inner.ReadAsync(buffer, cancellationToken).ConfigureAwait(false);
            Scan(buffer.Span[..read]);
            return read;
        }

        public override int Read(byte[] buffer, int offset, int count)
        {
            var read = inner.Read(buffer, offset, count);
            Scan(buffer.AsSpan(offset, read));
            return read;
        }

        private void Scan(ReadOnlySpan<byte> data)
        {
            foreach (var b in data)
            {
                if (b == (byte)'\n')
                {
                    Inspect();
                    line.SetLength(0);
                }
                else if (line.Length < 4096)
                {
                    // Only a line's start matters: content chunks are long, error lines are short.
                    line.WriteByte(b);
                }
            }
        }

        private void Inspect()
        {
            var span = line.GetBuffer().AsSpan(0, (int)line.Length);
            if (span.IndexOf("\"error\""u8) is >= 0 and < 4 && TryReadError(Encoding.UTF8.GetString(span)) is { } error)
            {
                watch.Error = error;
            }
        }

        public override bool CanRead => true;
        public override bool CanSeek => false;
        public override bool CanWrite => false;
        public override long Length => throw new NotSupportedException();
        public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }
        public override void Flush() { }
        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
        public override void SetLength(long value) => throw new NotSupportedException();
        public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();

        protected override void Dispose(bool disposing)
        {
            if (disposing)
            {
                abort.Dispose();
                inner.Dispose();
            }

            base.Dispose(disposing);
        }
    }
}

using System.Buffers;
using System.Text.Json;
using Microsoft.AspNetCore.Http.Features;

namespace MikuCloud.Api.Chat;

/// <summary>
/// Writes <c>text/event-stream</c>: <c>event:</c> + one-line JSON <c>data:</c>, flushed per event so each delta
/// reaches the browser as soon as Ollama produced it; comment lines keep idle connections open through proxies.
/// </summary>
public sealed class ServerSentEvents(HttpResponse response, JsonSerializerOptions json)
{
    private static readonly byte[] Heartbeat = ": heartbeat\n\n"u8.ToArray();
    private readonly SemaphoreSlim writeLock = new(1, 1);

    /// <summary>Whether the headers have gone out.</summary>
    public bool Started => response.HasStarted;

    public async Task StartAsync(CancellationToken cancellationToken)
    {
        response.StatusCode = StatusCodes.Status200OK;
        response.ContentType = "text/event-stream; charset=utf-8";
        response.Headers.CacheControl = "no-cache, no-transform";
        // nginx and some ingress controllers buffer responses unless told not to.
        response.Headers["X-Accel-Buffering"] = "no";
        response.HttpContext.Features.Get<IHttpResponseBodyFeature>()?.DisableBuffering();
        await response.StartAsync(cancellationToken).ConfigureAwait(false);
    }

    public Task WriteAsync<T>(string eventName, T data, CancellationToken cancellationToken) => WriteAsync(eventName, data, 0, cancellationToken);

    /// <summary>An event with an <c>id:</c> line (when <paramref name="id"/> &gt; 0): what EventSource sends back as <c>Last-Event-ID</c>.</summary>
    public async Task WriteAsync<T>(string eventName, T data, long id, CancellationToken cancellationToken)
    {
        var payload = JsonSerializer.SerializeToUtf8Bytes(data, json);
        await writeLock.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            var body = response.BodyWriter;
            if (id > 0)
            {
                body.Write("id: "u8);
                body.Write(System.Text.Encoding.ASCII.GetBytes(id.ToString(System.Globalization.CultureInfo.InvariantCulture)));
                body.Write("\n"u8);
            }

            body.Write("event: "u8);
            body.Write(System.Text.Encoding.UTF8.GetBytes(eventName));
            body.Write("\ndata: "u8);
            body.Write(payload); // serialized JSON has no raw newlines
            body.Write("\n\n"u8);
            await body.FlushAsync(cancellationToken).ConfigureAwait(false);
        }
        finally
        {
            writeLock.Release();
        }
    }

    /// <summary>A data-only event (no event name), serialized with <paramref name="options"/>: how OpenAI's stream writes every chunk.</summary>
    public Task WriteDataAsync<T>(T data, JsonSerializerOptions options, CancellationToken cancellationToken) =>
        WriteDataAsync(JsonSerializer.SerializeToUtf8Bytes(data, options), cancellationToken);

    /// <summary>A data-only event with <paramref name="payload"/> as it is (one line, e.g. OpenAI's <c>[DONE]</c>).</summary>
    public async Task WriteDataAsync(ReadOnlyMemory<byte> payload, CancellationToken cancellationToken)
    {
        await writeLock.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            var body = response.BodyWriter;
            body.Write("data: "u8);
            body.Write(payload.Span);
            body.Write("\n\n"u8);
            await body.FlushAsync(cancellationToken).ConfigureAwait(false);
        }
        finally
        {
            writeLock.Release();
        }
    }

    public async Task HeartbeatAsync(CancellationToken cancellationToken)
    {
        await writeLock.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            await response.BodyWriter.WriteAsync(Heartbeat, cancellationToken).ConfigureAwait(false);
        }
        finally
        {
            writeLock.Release();
        }
    }
}

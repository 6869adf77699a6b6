using System.Net.Sockets;
using System.Text;

namespace MikuCloud.Tests.Api;

/// <summary>What a <see cref="RawHttp"/> request got back: the status (0 when the connection ended without one), headers and body.</summary>
public sealed record RawResponse(int Status, string Head, string Body)
{
    public override string ToString() => Status == 0 ? "(no response)" : $"{Status} {string.Concat(Body.Take(400))}";
}

/// <summary>
/// HTTP/1.1 over a plain socket, for the requests <see cref="HttpClient"/> will not send: a declared length that never
/// comes, a body that stops half-way, bytes dripping in slower than the server's minimum rate, chunked bodies of any size.
/// </summary>
public static class RawHttp
{
    /// <summary>How the body is sent after the head.</summary>
    public enum Delivery
    {
        /// <summary>All of it, then wait for the answer.</summary>
        Whole,

        /// <summary>The given bytes, then the write side is closed (the declared length is never reached).</summary>
        Truncated,

        /// <summary>The first bytes, then one byte every <see cref="SlowInterval"/> until the answer comes.</summary>
        Slow,
    }

    /// <summary>The gap between bytes of a <see cref="Delivery.Slow"/> body: well under Kestrel's 240 bytes/s minimum.</summary>
    public static readonly TimeSpan SlowInterval = TimeSpan.FromSeconds(1);

    /// <summary>Sends one request and reads the answer until the server closes or the whole answer has come.</summary>
    /// <remarks><paramref name="declaredLength"/> is the <c>Content-Length</c> to declare; null sends the body chunked.</remarks>
    public static async Task<RawResponse> SendAsync(Uri baseAddress, string method, string path, IEnumerable<KeyValuePair<string, string>> headers,
        ReadOnlyMemory<byte> body, long? declaredLength, Delivery delivery, CancellationToken cancellationToken)
    {
        using var socket = new Socket(SocketType.Stream, ProtocolType.Tcp);
        await socket.ConnectAsync(baseAddress.Host, baseAddress.Port, cancellationToken);
        await using var stream = new NetworkStream(socket, ownsSocket: false);
        var head = new StringBuilder($"{method} {path} HTTP/1.1\r\nHost: {baseAddress.Authority}\r\nConnection: close\r\n");
        foreach (var (name, value) in headers)
        {
            head.Append(name).Append(": ").Append(value).Append("\r\n");
        }

        head.Append(declaredLength is { } length ? $"Content-Length: {length}\r\n" : "Transfer-Encoding: chunked\r\n").Append("\r\n");
        var reading = ReadAnswerAsync(stream, cancellationToken);
        var writing = WriteRequestAsync(stream, socket, Encoding.ASCII.GetBytes(head.ToString()), body, chunked: declaredLength is null, delivery, reading,
            cancellationToken);
        var response = await reading;
        if (!writing.IsCompleted)
        {
            // Answered (an event stream's head) while the server reads none of the body: a write blocked on its full
            // window would wait forever. The answer is in; the connection goes.
            socket.Close();
        }

        try
        {
            await writing;
        }
        catch (Exception ex) when (ex is ObjectDisposedException or SocketException)
        {
            // the write cut short above
        }

        return response;
    }

    private static async Task WriteRequestAsync(NetworkStream stream, Socket socket, byte[] head, ReadOnlyMemory<byte> body, bool chunked, Delivery delivery,
        Task answered, CancellationToken cancellationToken)
    {
        try
        {
            await stream.WriteAsync(head, cancellationToken);
            await WriteBodyAsync(stream, socket, body, chunked, delivery, answered, cancellationToken);
        }
        catch (IOException)
        {
            // The server answered and closed while the body was still going: what it said is what counts.
        }
    }

    private static async Task WriteBodyAsync(NetworkStream stream, Socket socket, ReadOnlyMemory<byte> body, bool chunked, Delivery delivery, Task answered,
        CancellationToken cancellationToken)
    {
        switch (delivery)
        {
            case Delivery.Slow:
                for (var i = 0; i < body.Length && !answered.IsCompleted; i++)
                {
                    await WritePieceAsync(stream, body.Slice(i, 1), chunked, cancellationToken);
                    await Task.WhenAny(answered, Task.Delay(SlowInterval, cancellationToken));
                }

                break;
            default:
                // In pieces, so that a server that refuses early stops the sending.
                for (var at = 0; at < body.Length && !answered.IsCompleted; at += 64 * 1024)
                {
                    await WritePieceAsync(stream, body.Slice(at, Math.Min(64 * 1024, body.Length - at)), chunked, cancellationToken);
                }

                if (delivery == Delivery.Truncated)
                {
                    socket.Shutdown(SocketShutdown.Send);
                }
                else if (chunked && !answered.IsCompleted)
                {
                    await stream.WriteAsync("0\r\n\r\n"u8.ToArray(), cancellationToken);
                }

                break;
        }
    }

    private static async Task WritePieceAsync(NetworkStream stream, ReadOnlyMemory<byte> piece, bool chunked, CancellationToken cancellationToken)
    {
        if (chunked)
        {
            await stream.WriteAsync(Encoding.ASCII.GetBytes($"{piece.Length:x}\r\n"), cancellationToken);
        }

        await stream.WriteAsync(piece, cancellationToken);
        if (chunked)
        {
            await stream.WriteAsync("\r\n"u8.ToArray(), cancellationToken);
        }
    }

    private static async Task<RawResponse> ReadAnswerAsync(NetworkStream stream, CancellationToken cancellationToken)
    {
        var received = new MemoryStream();
        var buffer = new byte[16 * 1024];
        try
        {
            int read;
            while ((read = await stream.ReadAsync(buffer, cancellationToken)) > 0)
            {
                received.Write(buffer, 0, read);
                if (IsEventStream(received))
                {
                    break; // an event stream (a base's progress, say) goes on until the client leaves: its head is the answer
                }
            }
        }
        catch (IOException) when (received.Length > 0)
        {
            // A reset after the answer: keep what arrived.
        }
        catch (IOException)
        {
            return new RawResponse(0, "", "");
        }

        var text = Encoding.UTF8.GetString(received.ToArray());
        var split = text.IndexOf("\r\n\r\n", StringComparison.Ordinal);
        var head = split < 0 ? text : text[..split];
        var status = head.StartsWith("HTTP/1.1 ", StringComparison.Ordinal) && int.TryParse(head.AsSpan(9, 3), out var s) ? s : 0;
        return new RawResponse(status, head, split < 0 ? "" : text[(split + 4)..]);
    }

    /// <summary>Whether the answer so far has a complete head that says <c>text/event-stream</c>.</summary>
    private static bool IsEventStream(MemoryStream received)
    {
        var text = Encoding.ASCII.GetString(received.GetBuffer(), 0, (int)Math.Min(received.Length, 16 * 1024));
        var end = text.IndexOf("\r\n\r\n", StringComparison.Ordinal);
        return end >= 0 && text[..end].Contains("content-type: text/event-stream", StringComparison.OrdinalIgnoreCase);
    }
}

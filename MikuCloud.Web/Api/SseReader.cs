using System.Runtime.CompilerServices;
using System.Text;

namespace MikuCloud.Web.Api;

/// <summary>One server-sent event: its <c>event:</c> name (default <c>message</c>) and joined <c>data:</c> lines.</summary>
public readonly record struct SseEvent(string Name, string Data);

/// <summary>
/// A minimal <c>text/event-stream</c> reader (WHATWG rules: <c>event:</c>, multi-line <c>data:</c>, comment lines
/// starting with <c>:</c> such as heartbeats, CRLF or LF, an event ends at a blank line). Small enough to own;
/// System.Net.ServerSentEvents would do as well but this keeps the behaviour explicit and tested.
/// </summary>
public static class SseReader
{
    public static async IAsyncEnumerable<SseEvent> ReadAsync(Stream stream, [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        using var reader = new StreamReader(stream, Encoding.UTF8, detectEncodingFromByteOrderMarks: false, bufferSize: 4096, leaveOpen: true);
        string? name = null;
        var data = new StringBuilder();
        var hasData = false;
        while (await reader.ReadLineAsync(cancellationToken) is { } line)
        {
            if (line.Length == 0)
            {
                if (hasData)
                {
                    yield return new SseEvent(name ?? "message", data.ToString());
                }

                name = null;
                data.Clear();
                hasData = false;
                continue;
            }

            if (line[0] == ':')
            {
                continue; // comment / heartbeat
            }

            var colon = line.IndexOf(':');
            var field = colon < 0 ? line : line[..colon];
            var value = colon < 0 ? "" : line[(colon + 1)..];
            if (value.StartsWith(' '))
            {
                value = value[1..];
            }

            switch (field)
            {
                case "event":
                    name = value;
                    break;
                case "data":
                    if (hasData)
                    {
                        data.Append('\n');
                    }

                    data.Append(value);
                    hasData = true;
                    break;
            }
        }

        if (hasData)
        {
            yield return new SseEvent(name ?? "message", data.ToString()); // stream ended without the final blank line
        }
    }
}

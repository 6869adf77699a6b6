namespace MikuCloud.Bench;

/// <summary><c>{"name":"aaaa…"}</c> of a given total length, made up as it is read (the sender holds none of it).</summary>
public sealed class GeneratedJsonStream : Stream
{
    private readonly byte[] head, tail = "\"}"u8.ToArray();
    private readonly long length;
    private long position;

    public GeneratedJsonStream(string name, long length)
    {
        head = System.Text.Encoding.UTF8.GetBytes($"{{\"{name}\":\"");
        this.length = Math.Max(length, head.Length + tail.Length);
    }

    public override long Length => length;

    public override int Read(byte[] buffer, int offset, int count)
    {
        var n = (int)Math.Min(count, length - position);
        var span = buffer.AsSpan(offset, n);
        span.Fill((byte)'a');
        for (var at = position; at < Math.Min(position + n, head.Length); at++)
        {
            span[(int)(at - position)] = head[at];
        }

        var tailStart = length - tail.Length;
        for (var at = Math.Max(position, tailStart); at < position + n; at++)
        {
            span[(int)(at - position)] = tail[at - tailStart];
        }

        position += n;
        return n;
    }

    public override bool CanRead => true;
    public override bool CanSeek => false;
    public override bool CanWrite => false;
    public override long Position { get => position; set => throw new NotSupportedException(); }
    public override void Flush() { }
    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
    public override void SetLength(long value) => throw new NotSupportedException();
    public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();
}

namespace MikuCloud.Tests.Api;

/// <summary><c>{"content":"aaaa…"}</c> of any length, made up as it is read (nothing held by the sender).</summary>
public sealed class LongContentStream(long contentLength) : Stream
{
    private static readonly byte[] Head = "{\"content\":\""u8.ToArray(), Tail = "\"}"u8.ToArray();
    private long position;

    public override int Read(byte[] buffer, int offset, int count)
    {
        var total = Head.Length + contentLength + Tail.Length;
        var n = (int)Math.Min(count, total - position);
        for (var i = 0; i < n; i++, position++)
        {
            buffer[offset + i] = position < Head.Length ? Head[position]
                : position < Head.Length + contentLength ? (byte)'a'
                : Tail[position - Head.Length - contentLength];
        }

        return n;
    }

    public override bool CanRead => true;
    public override bool CanSeek => false;
    public override bool CanWrite => false;
    public override long Length => throw new NotSupportedException();
    public override long Position { get => position; set => throw new NotSupportedException(); }
    public override void Flush() { }
    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
    public override void SetLength(long value) => throw new NotSupportedException();
    public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();
}

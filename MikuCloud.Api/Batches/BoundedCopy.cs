using System.Buffers;

namespace MikuCloud.Api.Batches;

/// <summary>Copies a stream of unknown (or untrusted) length up to a hard limit.</summary>
internal static class BoundedCopy
{
    private const int BufferSize = 81_920;

    /// <summary>
    /// Copies <paramref name="source"/> to <paramref name="destination"/> until the end, or until more than
    /// <paramref name="maxBytes"/> would have been written in all (counting <paramref name="alreadyWritten"/>), or
    /// until <paramref name="stop"/> says so for the total so far. Returns the total and whether the source ended.
    /// </summary>
    public static async Task<(long Total, bool Complete)> CopyAsync(Stream source, Stream destination, long maxBytes,
        long alreadyWritten, Func<long, bool>? stop, CancellationToken cancellationToken)
    {
        if (alreadyWritten > maxBytes)
        {
            return (alreadyWritten, false);
        }

        var buffer = ArrayPool<byte>.Shared.Rent(BufferSize);
        try
        {
            var total = alreadyWritten;
            while (true)
            {
                // One byte past the limit is enough to know it is over; never more is read.
                var want = (int)Math.Min(buffer.Length, maxBytes + 1 - total);
                var read = await source.ReadAsync(buffer.AsMemory(0, want), cancellationToken);
                if (read == 0)
                {
                    return (total, true);
                }

                total += read;
                if (total > maxBytes || stop?.Invoke(total) == true)
                {
                    return (total, false);
                }

                await destination.WriteAsync(buffer.AsMemory(0, read), cancellationToken);
            }
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }
}

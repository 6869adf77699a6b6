using System.Buffers.Binary;

namespace MikuCloud.Api.Images;

/// <summary>
/// Identifies images by their magic bytes and reads their declared dimensions straight from the
/// header, without a decoder. File names and declared media types are attacker-controlled, so
/// they are never consulted; the header read lets a decompression bomb be refused before any
/// decoder allocates a pixel buffer for it.
/// </summary>
public static class ImageSniffer
{
    private static ReadOnlySpan<byte> PngSignature => [0x89, (byte)'P', (byte)'N', (byte)'G', 0x0D, 0x0A, 0x1A, 0x0A];

    /// <summary>Returns the format indicated by the leading bytes, or null for anything unsupported.</summary>
    public static ImageFormatKind? Detect(ReadOnlySpan<byte> data)
    {
        if (data.Length >= 3 && data[0] == 0xFF && data[1] == 0xD8 && data[2] == 0xFF)
        {
            return ImageFormatKind.Jpeg;
        }

        if (data.StartsWith(PngSignature))
        {
            return ImageFormatKind.Png;
        }

        if (data.StartsWith("GIF87a"u8) || data.StartsWith("GIF89a"u8))
        {
            return ImageFormatKind.Gif;
        }

        if (data.Length >= 12 && data.StartsWith("RIFF"u8) && data.Slice(8, 4).SequenceEqual("WEBP"u8))
        {
            return ImageFormatKind.WebP;
        }

        return null;
    }

    /// <summary>
    /// Reads width and height from the header of a JPEG (first SOFn), PNG (IHDR), GIF (logical
    /// screen) or WebP (VP8, VP8L or VP8X canvas). Returns false if the format is unknown, the
    /// header is truncated or malformed, or a side is zero.
    /// </summary>
    /// <remarks>Values too large for <see cref="int"/> are clamped so callers still see "too big".</remarks>
    public static bool TryReadDimensions(ReadOnlySpan<byte> data, out int width, out int height)
    {
        (width, height) = (0, 0);
        var ok = Detect(data) switch
        {
            ImageFormatKind.Jpeg => TryJpeg(data, out width, out height),
            ImageFormatKind.Png => TryPng(data, out width, out height),
            ImageFormatKind.Gif => TryGif(data, out width, out height),
            ImageFormatKind.WebP => TryWebP(data, out width, out height),
            _ => false,
        };
        return ok && width > 0 && height > 0;
    }

    /// <summary>
    /// True if a WebP's (first) image bitstream is VP8L, i.e. lossless. Lossless WebP is mostly
    /// screenshots and graphics, which should not be re-encoded as JPEG.
    /// </summary>
    internal static bool IsLosslessWebP(ReadOnlySpan<byte> data)
    {
        var pos = 12;
        while (pos <= data.Length - 8)
        {
            var fourCc = data.Slice(pos, 4);
            var size = BinaryPrimitives.ReadUInt32LittleEndian(data.Slice(pos + 4, 4));
            if (fourCc.SequenceEqual("VP8L"u8))
            {
                return true;
            }

            if (fourCc.SequenceEqual("VP8 "u8))
            {
                return false;
            }

            // Animated: the first frame's bitstream chunks are nested after a 16-byte ANMF header.
            long next = fourCc.SequenceEqual("ANMF"u8) ? pos + 8L + 16 : pos + 8L + size + (size & 1);
            if (next > data.Length)
            {
                return false;
            }

            pos = (int)next;
        }

        return false;
    }

    private static bool TryPng(ReadOnlySpan<byte> d, out int w, out int h)
    {
        (w, h) = (0, 0);
        if (d.Length < 24 || !d.Slice(12, 4).SequenceEqual("IHDR"u8))
        {
            return false;
        }

        w = Clamp(BinaryPrimitives.ReadUInt32BigEndian(d.Slice(16, 4)));
        h = Clamp(BinaryPrimitives.ReadUInt32BigEndian(d.Slice(20, 4)));
        return true;
    }

    private static bool TryGif(ReadOnlySpan<byte> d, out int w, out int h)
    {
        (w, h) = (0, 0);
        if (d.Length < 10)
        {
            return false;
        }

        w = BinaryPrimitives.ReadUInt16LittleEndian(d.Slice(6, 2));
        h = BinaryPrimitives.ReadUInt16LittleEndian(d.Slice(8, 2));
        return true;
    }

    private static bool TryJpeg(ReadOnlySpan<byte> d, out int w, out int h)
    {
        (w, h) = (0, 0);
        var pos = 2;
        while (pos <= d.Length - 4)
        {
            if (d[pos] != 0xFF)
            {
                return false;
            }

            var marker = d[pos + 1];
            if (marker == 0xFF)
            {
                pos++; // fill byte before a marker
                continue;
            }

            pos += 2;
            if (marker is 0x01 or 0xD8 or (>= 0xD0 and <= 0xD7))
            {
                continue; // standalone markers carry no length
            }

            if (marker is 0xD9 or 0xDA)
            {
                return false; // EOI or scan data before any frame header
            }

            int segmentLength = BinaryPrimitives.ReadUInt16BigEndian(d.Slice(pos, 2));
            if (segmentLength < 2)
            {
                return false;
            }

            // SOF0-SOF15 except DHT (C4), JPG (C8) and DAC (CC), which share the range.
            if (marker is >= 0xC0 and <= 0xCF and not 0xC4 and not 0xC8 and not 0xCC)
            {
                if (segmentLength < 7 || pos + 7 > d.Length)
                {
                    return false;
                }

                h = BinaryPrimitives.ReadUInt16BigEndian(d.Slice(pos + 3, 2));
                w = BinaryPrimitives.ReadUInt16BigEndian(d.Slice(pos + 5, 2));
                return true;
            }

            pos += segmentLength;
        }

        return false;
    }

    private static bool TryWebP(ReadOnlySpan<byte> d, out int w, out int h)
    {
        (w, h) = (0, 0);
        if (d.Length < 20)
        {
            return false;
        }

        var chunk = d.Slice(12, 4);
        var payload = d[20..];
        if (chunk.SequenceEqual("VP8X"u8) && payload.Length >= 10)
        {
            // 24-bit canvas width-1 and height-1 after 4 bytes of flags/reserved.
            w = 1 + (payload[4] | payload[5] << 8 | payload[6] << 16);
            h = 1 + (payload[7] | payload[8] << 8 | payload[9] << 16);
            return true;
        }

        if (chunk.SequenceEqual("VP8L"u8) && payload.Length >= 5 && payload[0] == 0x2F)
        {
            var bits = BinaryPrimitives.ReadUInt32LittleEndian(payload.Slice(1, 4));
            w = (int)(bits & 0x3FFF) + 1;
            h = (int)((bits >> 14) & 0x3FFF) + 1;
            return true;
        }

        if (chunk.SequenceEqual("VP8 "u8) && payload.Length >= 10
            && payload[3] == 0x9D && payload[4] == 0x01 && payload[5] == 0x2A)
        {
            // 14-bit sizes; the top two bits are an upscaling hint the decoder ignores.
            w = BinaryPrimitives.ReadUInt16LittleEndian(payload.Slice(6, 2)) & 0x3FFF;
            h = BinaryPrimitives.ReadUInt16LittleEndian(payload.Slice(8, 2)) & 0x3FFF;
            return true;
        }

        return false;
    }

    private static int Clamp(uint value) => value > int.MaxValue ? int.MaxValue : (int)value;
}

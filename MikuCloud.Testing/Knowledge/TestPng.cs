using System.Buffers.Binary;
using System.IO.Compression;

namespace MikuCloud.Testing;

/// <summary>Encodes small grey PNGs by hand (no imaging library in this project): stand-ins for scanned pages.</summary>
public static class TestPng
{
    /// <summary>A page-shaped grey picture with dark "lines of text" stripes; <paramref name="seed"/> varies the stripes.</summary>
    public static byte[] Scan(int width = 420, int height = 594, int seed = 1)
    {
        var random = new Random(seed);
        var pixels = new byte[width * height];
        Array.Fill(pixels, (byte)0xF4);
        for (var y = 40; y < height - 40; y += 18)
        {
            var length = random.Next(width / 3, width - 80);
            for (var row = y; row < y + 8; row++)
            {
                pixels.AsSpan(row * width + 40, length).Fill(0x30);
            }
        }

        return Encode(width, height, pixels);
    }

    /// <summary>An 8-bit greyscale PNG of <paramref name="pixels"/> (row-major, <paramref name="width"/> × <paramref name="height"/>).</summary>
    public static byte[] Encode(int width, int height, ReadOnlySpan<byte> pixels)
    {
        using var raw = new MemoryStream();
        using (var z = new ZLibStream(raw, CompressionLevel.Fastest, leaveOpen: true))
        {
            for (var y = 0; y < height; y++)
            {
                z.WriteByte(0); // filter: none
                z.Write(pixels.Slice(y * width, width));
            }
        }

        using var png = new MemoryStream();
        png.Write([0x89, (byte)'P', (byte)'N', (byte)'G', 0x0D, 0x0A, 0x1A, 0x0A]);
        var header = new byte[13];
        BinaryPrimitives.WriteInt32BigEndian(header, width);
        BinaryPrimitives.WriteInt32BigEndian(header.AsSpan(4), height);
        header[8] = 8; // bit depth; colour type 0 (grey), compression, filter and interlace 0
        Chunk(png, "IHDR"u8, header);
        Chunk(png, "IDAT"u8, raw.ToArray());
        Chunk(png, "IEND"u8, []);
        return png.ToArray();
    }

    private static void Chunk(Stream png, ReadOnlySpan<byte> type, ReadOnlySpan<byte> data)
    {
        Span<byte> number = stackalloc byte[4];
        BinaryPrimitives.WriteInt32BigEndian(number, data.Length);
        png.Write(number);
        png.Write(type);
        png.Write(data);
        BinaryPrimitives.WriteUInt32BigEndian(number, ~Crc(Crc(uint.MaxValue, type), data));
        png.Write(number);
    }

    /// <summary>CRC-32 (PNG's, reflected 0xEDB88320), continued from <paramref name="crc"/>.</summary>
    private static uint Crc(uint crc, ReadOnlySpan<byte> data)
    {
        foreach (var b in data)
        {
            crc ^= b;
            for (var k = 0; k < 8; k++)
            {
                crc = (crc & 1) != 0 ? 0xEDB88320 ^ (crc >> 1) : crc >> 1;
            }
        }

        return crc;
    }
}

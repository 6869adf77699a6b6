using System.Buffers.Binary;
using System.IO.Compression;
using System.Text;
using SkiaSharp;

namespace MikuCloud.Tests.Images;

/// <summary>Builds every test image in memory with SkiaSharp or by hand; no binary fixtures.</summary>
internal static class TestImages
{
    public static readonly SKColor Red = new(220, 20, 20);
    public static readonly SKColor Green = new(20, 200, 20);
    public static readonly SKColor Blue = new(20, 20, 220);
    public static readonly SKColor Yellow = new(240, 230, 20);

    public static SKBitmap Solid(int width, int height, SKColor color)
    {
        var bitmap = new SKBitmap(new SKImageInfo(width, height, SKColorType.Rgba8888, SKAlphaType.Premul));
        bitmap.Erase(color);
        return bitmap;
    }

    /// <summary>Top-left red, top-right green, bottom-left blue, bottom-right yellow.</summary>
    public static SKBitmap Quadrants(int width, int height)
    {
        var bitmap = Solid(width, height, Red);
        using var canvas = new SKCanvas(bitmap);
        using var paint = new SKPaint();
        paint.Color = Green; canvas.DrawRect(width / 2, 0, width - width / 2, height / 2, paint);
        paint.Color = Blue; canvas.DrawRect(0, height / 2, width / 2, height - height / 2, paint);
        paint.Color = Yellow; canvas.DrawRect(width / 2, height / 2, width - width / 2, height - height / 2, paint);
        return bitmap;
    }

    /// <summary>Gradients, shapes and mild noise, so JPEG sizes and decode times resemble a photo.</summary>
    public static SKBitmap PhotoLike(int width, int height, int seed = 1)
    {
        var bitmap = new SKBitmap(new SKImageInfo(width, height, SKColorType.Rgba8888, SKAlphaType.Premul));
        using (var canvas = new SKCanvas(bitmap))
        using (var paint = new SKPaint { IsAntialias = true })
        {
            paint.Shader = SKShader.CreateLinearGradient(new SKPoint(0, 0), new SKPoint(width, height),
                [new SKColor(30, 80, 160), new SKColor(240, 200, 120), new SKColor(40, 120, 60)], SKShaderTileMode.Clamp);
            canvas.DrawRect(0, 0, width, height, paint);
            paint.Shader = null;
            var random = new Random(seed);
            for (var i = 0; i < 200; i++)
            {
                paint.Color = new SKColor((byte)random.Next(256), (byte)random.Next(256), (byte)random.Next(256), 160);
                canvas.DrawCircle(random.Next(width), random.Next(height), random.Next(5, Math.Max(6, width / 10)), paint);
            }
        }

        var pixels = bitmap.GetPixelSpan();
        var noise = new Random(seed);
        for (var i = 0; i < pixels.Length; i++)
        {
            if ((i & 3) != 3)
            {
                pixels[i] = (byte)Math.Clamp(pixels[i] + noise.Next(-12, 13), 0, 255);
            }
        }

        return bitmap;
    }

    public static byte[] Jpeg(SKBitmap bitmap, int quality = 90) => Encode(bitmap, SKEncodedImageFormat.Jpeg, quality);

    public static byte[] Png(SKBitmap bitmap) => Encode(bitmap, SKEncodedImageFormat.Png, 100);

    public static byte[] WebP(SKBitmap bitmap, bool lossless)
    {
        using var pixmap = bitmap.PeekPixels();
        using var data = pixmap!.Encode(new SKWebpEncoderOptions(
            lossless ? SKWebpEncoderCompression.Lossless : SKWebpEncoderCompression.Lossy, lossless ? 75 : 80))
            ?? throw new InvalidOperationException("WebP encode failed");
        return data.ToArray();
    }

    public static byte[] Encode(SKBitmap bitmap, SKEncodedImageFormat format, int quality)
    {
        using var data = bitmap.Encode(format, quality) ?? throw new InvalidOperationException($"{format} encode failed");
        return data.ToArray();
    }

    public static byte[] SolidJpeg(int width, int height, SKColor color)
    {
        using var bitmap = Solid(width, height, color);
        return Jpeg(bitmap);
    }

    public static byte[] SolidPng(int width, int height, SKColor color)
    {
        using var bitmap = Solid(width, height, color);
        return Png(bitmap);
    }

    public static SKBitmap Decode(byte[] data) =>
        SKBitmap.Decode(data) ?? throw new InvalidOperationException("Output does not decode.");

    public static bool Near(SKColor actual, SKColor expected, int tolerance = 40) =>
        Math.Abs(actual.Red - expected.Red) <= tolerance
        && Math.Abs(actual.Green - expected.Green) <= tolerance
        && Math.Abs(actual.Blue - expected.Blue) <= tolerance;

    public static byte[] Concat(params byte[][] parts) => parts.SelectMany(p => p).ToArray();

    public static bool Contains(byte[] haystack, byte[] needle) => haystack.AsSpan().IndexOf(needle) >= 0;

    public static bool Contains(byte[] haystack, string needle) => Contains(haystack, Encoding.ASCII.GetBytes(needle));

    // ---------- JPEG / EXIF ----------

    /// <summary>Inserts a segment right after SOI and the encoder's APP0 (JFIF) segment.</summary>
    public static byte[] InsertJpegSegment(byte[] jpeg, byte[] segment)
    {
        var at = 2;
        if (jpeg[2] == 0xFF && jpeg[3] == 0xE0)
        {
            at = 4 + BinaryPrimitives.ReadUInt16BigEndian(jpeg.AsSpan(4));
        }

        return Concat(jpeg[..at], segment, jpeg[at..]);
    }

    /// <summary>An APP1 Exif segment (big-endian TIFF) with an Orientation tag and optionally a GPS IFD.</summary>
    public static byte[] ExifApp1(ushort orientation, bool withGps = false)
    {
        var tiff = new List<byte>();
        void U16(int v) { tiff.Add((byte)(v >> 8)); tiff.Add((byte)v); }
        void U32(int v) { U16(v >> 16); U16(v & 0xFFFF); }
        void Entry(int tag, int type, int count, int valueOrOffset, bool shortValue = false)
        {
            U16(tag); U16(type); U32(count);
            if (shortValue) { U16(valueOrOffset); U16(0); } else { U32(valueOrOffset); }
        }

        tiff.AddRange("MM\0*"u8.ToArray()); U32(8);
        var ifd0Entries = withGps ? 2 : 1;
        var gpsIfd = 8 + 2 + ifd0Entries * 12 + 4;
        U16(ifd0Entries);
        Entry(0x0112, 3, 1, orientation, shortValue: true);
        if (withGps)
        {
            Entry(0x8825, 4, 1, gpsIfd);
        }

        U32(0);
        if (withGps)
        {
            var rationals = gpsIfd + 2 + 5 * 12 + 4;
            U16(5);
            Entry(0x0000, 1, 4, 0x02030000);               // GPSVersionID 2.3.0.0
            Entry(0x0001, 2, 2, 'N' << 24);                 // GPSLatitudeRef "N"
            Entry(0x0002, 5, 3, rationals);                 // GPSLatitude
            Entry(0x0003, 2, 2, 'E' << 24);                 // GPSLongitudeRef "E"
            Entry(0x0004, 5, 3, rationals + 24);            // GPSLongitude
            U32(0);
            foreach (var v in GpsRationals) { U32(v); }
        }

        var payload = Concat("Exif\0\0"u8.ToArray(), tiff.ToArray());
        var segment = new byte[4 + payload.Length];
        segment[0] = 0xFF; segment[1] = 0xE1;
        BinaryPrimitives.WriteUInt16BigEndian(segment.AsSpan(2), (ushort)(2 + payload.Length));
        payload.CopyTo(segment, 4);
        return segment;
    }

    /// <summary>Tokyo Tower, as EXIF rationals; the test looks for these bytes in the output.</summary>
    public static readonly int[] GpsRationals = [35, 1, 39, 1, 3141, 100, 139, 1, 44, 1, 5432, 100];

    public static byte[] GpsRationalBytes()
    {
        var bytes = new byte[GpsRationals.Length * 4];
        for (var i = 0; i < GpsRationals.Length; i++)
        {
            BinaryPrimitives.WriteInt32BigEndian(bytes.AsSpan(i * 4), GpsRationals[i]);
        }

        return bytes;
    }

    /// <summary>Markers of all segments before the first SOS.</summary>
    public static List<byte> JpegMarkers(byte[] jpeg)
    {
        var markers = new List<byte>();
        var pos = 2;
        while (pos + 4 <= jpeg.Length && jpeg[pos] == 0xFF)
        {
            var marker = jpeg[pos + 1];
            markers.Add(marker);
            if (marker == 0xDA)
            {
                break;
            }

            pos += 2 + BinaryPrimitives.ReadUInt16BigEndian(jpeg.AsSpan(pos + 2));
        }

        return markers;
    }

    /// <summary>
    /// Re-wraps a simple (VP8 or VP8L) WebP as VP8X with an EXIF chunk carrying
    /// <paramref name="orientation"/>, the way cameras and phones write it.
    /// </summary>
    public static byte[] WebPWithExif(byte[] simpleWebP, int width, int height, ushort orientation)
    {
        var tiff = ExifApp1(orientation)[10..];
        byte[] vp8x =
        [
            .. "VP8X"u8, 10, 0, 0, 0, 0x08, 0, 0, 0,
            (byte)(width - 1), (byte)((width - 1) >> 8), (byte)((width - 1) >> 16),
            (byte)(height - 1), (byte)((height - 1) >> 8), (byte)((height - 1) >> 16),
        ];
        var exifChunk = Concat("EXIF"u8.ToArray(), BitConverter.GetBytes(tiff.Length), tiff, tiff.Length % 2 == 1 ? [0] : []);
        var body = Concat("WEBP"u8.ToArray(), vp8x, simpleWebP[12..], exifChunk);
        return Concat("RIFF"u8.ToArray(), BitConverter.GetBytes(body.Length), body);
    }

    // ---------- PNG ----------

    public static byte[] PngChunk(string type, byte[] data)
    {
        var chunk = new byte[12 + data.Length];
        BinaryPrimitives.WriteInt32BigEndian(chunk, data.Length);
        Encoding.ASCII.GetBytes(type).CopyTo(chunk, 4);
        data.CopyTo(chunk, 8);
        BinaryPrimitives.WriteUInt32BigEndian(chunk.AsSpan(8 + data.Length), Crc32(chunk.AsSpan(4, 4 + data.Length)));
        return chunk;
    }

    public static byte[] PngHeader(uint width, uint height, byte colorType = 6)
    {
        var ihdr = new byte[13];
        BinaryPrimitives.WriteUInt32BigEndian(ihdr, width);
        BinaryPrimitives.WriteUInt32BigEndian(ihdr.AsSpan(4), height);
        ihdr[8] = 8; ihdr[9] = colorType;
        return Concat([0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A], PngChunk("IHDR", ihdr));
    }

    /// <summary>A ~100-byte PNG whose IHDR claims the given size, with a valid CRC and a token IDAT.</summary>
    public static byte[] PngBomb(uint width, uint height)
    {
        using var compressed = new MemoryStream();
        using (var z = new ZLibStream(compressed, CompressionLevel.SmallestSize, leaveOpen: true))
        {
            z.Write(new byte[4096]);
        }

        return Concat(PngHeader(width, height), PngChunk("IDAT", compressed.ToArray()), PngChunk("IEND", []));
    }

    /// <summary>Inserts chunks right after IHDR.</summary>
    public static byte[] InsertPngChunks(byte[] png, params byte[][] chunks) =>
        Concat(png[..33], Concat(chunks), png[33..]);

    public static List<string> PngChunkTypes(byte[] png)
    {
        var types = new List<string>();
        var pos = 8;
        while (pos + 8 <= png.Length)
        {
            var length = BinaryPrimitives.ReadInt32BigEndian(png.AsSpan(pos));
            types.Add(Encoding.ASCII.GetString(png, pos + 4, 4));
            pos += 12 + length;
        }

        return types;
    }

    private static uint Crc32(ReadOnlySpan<byte> data)
    {
        var crc = 0xFFFFFFFFu;
        foreach (var b in data)
        {
            crc ^= b;
            for (var k = 0; k < 8; k++)
            {
                crc = (crc & 1) != 0 ? 0xEDB88320u ^ (crc >> 1) : crc >> 1;
            }
        }

        return ~crc;
    }

    // ---------- GIF (Skia has no GIF encoder) ----------

    /// <summary>
    /// A GIF with a 256-colour global palette and one full-canvas frame per entry of
    /// <paramref name="frames"/> (palette indices, row-major). LZW data uses only literal codes with
    /// a clear code every 250 symbols, which keeps the code width at 9 bits: valid, just uncompressed.
    /// </summary>
    public static byte[] Gif(int width, int height, SKColor[] palette, IReadOnlyList<byte[]> frames, int? transparentIndex = null)
    {
        var o = new List<byte>();
        void U16(int v) { o.Add((byte)v); o.Add((byte)(v >> 8)); }
        o.AddRange("GIF89a"u8.ToArray());
        U16(width); U16(height);
        o.Add(0xF7); o.Add(0); o.Add(0); // global table of 256 entries
        for (var i = 0; i < 256; i++)
        {
            var c = i < palette.Length ? palette[i] : SKColors.Black;
            o.Add(c.Red); o.Add(c.Green); o.Add(c.Blue);
        }

        if (frames.Count > 1)
        {
            o.AddRange([0x21, 0xFF, 0x0B, .. "NETSCAPE2.0"u8, 0x03, 0x01, 0x00, 0x00, 0x00]);
        }

        foreach (var frame in frames)
        {
            o.AddRange([0x21, 0xF9, 0x04, (byte)(transparentIndex is null ? 0x04 : 0x05), 10, 0, (byte)(transparentIndex ?? 0), 0]);
            o.Add(0x2C); U16(0); U16(0); U16(width); U16(height); o.Add(0);
            o.Add(8);
            var lzw = LzwLiterals(frame);
            for (var i = 0; i < lzw.Length; i += 255)
            {
                var n = Math.Min(255, lzw.Length - i);
                o.Add((byte)n);
                o.AddRange(lzw.AsSpan(i, n).ToArray());
            }

            o.Add(0);
        }

        o.Add(0x3B);
        return o.ToArray();
    }

    public static byte[] SolidGif(int width, int height, params SKColor[] frameColors)
    {
        var frames = frameColors.Select((_, i) => Enumerable.Repeat((byte)i, width * height).ToArray()).ToList();
        return Gif(width, height, frameColors, frames);
    }

    private static byte[] LzwLiterals(byte[] indices)
    {
        var output = new List<byte>();
        int buffer = 0, bits = 0;
        void Emit(int code)
        {
            buffer |= code << bits;
            bits += 9;
            while (bits >= 8) { output.Add((byte)buffer); buffer >>= 8; bits -= 8; }
        }

        for (var i = 0; i < indices.Length; i++)
        {
            if (i % 250 == 0) { Emit(256); }
            Emit(indices[i]);
        }

        Emit(257);
        if (bits > 0) { output.Add((byte)buffer); }
        return output.ToArray();
    }
}

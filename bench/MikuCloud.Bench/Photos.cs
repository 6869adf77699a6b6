using System.Buffers.Binary;
using SkiaSharp;

namespace MikuCloud.Bench;

/// <summary>Synthetic phone photos: sized, textured and compressed like a camera's, with an EXIF orientation.</summary>
public static class Photos
{
    /// <summary>
    /// A <paramref name="width"/> × <paramref name="height"/> photo-like JPEG (gradients, shapes, fine texture and
    /// sensor-like noise, so it decodes and compresses like a photo: ~3–5 MB for 12 MP at quality 92), with an EXIF
    /// APP1 segment holding <paramref name="orientation"/> (6 = the phone was held upright: rotate 90° clockwise) and GPS.
    /// </summary>
    public static byte[] PhoneJpeg(int width, int height, ushort orientation, int seed = 7, int quality = 92)
    {
        using var bitmap = new SKBitmap(new SKImageInfo(width, height, SKColorType.Rgba8888, SKAlphaType.Premul));
        using (var canvas = new SKCanvas(bitmap))
        using (var paint = new SKPaint { IsAntialias = true })
        {
            paint.Shader = SKShader.CreateLinearGradient(new SKPoint(0, 0), new SKPoint(width, height),
                [new SKColor(52, 96, 168), new SKColor(236, 204, 140), new SKColor(58, 120, 70)], SKShaderTileMode.Clamp);
            canvas.DrawRect(0, 0, width, height, paint);
            paint.Shader = null;
            var random = new Random(seed);
            for (var i = 0; i < 400; i++)
            {
                paint.Color = new SKColor((byte)random.Next(256), (byte)random.Next(256), (byte)random.Next(256), (byte)random.Next(60, 200));
                var radius = random.Next(8, Math.Max(9, width / 8));
                canvas.DrawCircle(random.Next(width), random.Next(height), radius, paint);
            }

            paint.StrokeWidth = 2;
            for (var i = 0; i < 1500; i++)
            {
                paint.Color = new SKColor((byte)random.Next(256), (byte)random.Next(256), (byte)random.Next(256), 120);
                var x = random.Next(width);
                var y = random.Next(height);
                canvas.DrawLine(x, y, x + random.Next(-60, 60), y + random.Next(-60, 60), paint);
            }
        }

        // Sensor noise, cheap: a xorshift per pixel rather than Random per channel.
        var pixels = bitmap.GetPixelSpan();
        var state = (uint)seed * 2654435761u | 1;
        for (var i = 0; i < pixels.Length; i += 4)
        {
            state ^= state << 13;
            state ^= state >> 17;
            state ^= state << 5;
            var n = (int)(state & 15) - 8;
            pixels[i] = (byte)Math.Clamp(pixels[i] + n, 0, 255);
            pixels[i + 1] = (byte)Math.Clamp(pixels[i + 1] + n, 0, 255);
            pixels[i + 2] = (byte)Math.Clamp(pixels[i + 2] + ((int)(state >> 8 & 7) - 4), 0, 255);
        }

        using var data = bitmap.Encode(SKEncodedImageFormat.Jpeg, quality) ?? throw new InvalidOperationException("JPEG encode failed");
        var jpeg = data.ToArray();
        return InsertAfterApp0(jpeg, ExifApp1(orientation));
    }

    /// <summary>Whether a JPEG carries an APP1 (EXIF/XMP) segment before its image data.</summary>
    public static bool HasApp1(byte[] jpeg)
    {
        var pos = 2;
        while (pos + 4 <= jpeg.Length && jpeg[pos] == 0xFF)
        {
            var marker = jpeg[pos + 1];
            if (marker == 0xE1)
            {
                return true;
            }

            if (marker == 0xDA)
            {
                return false;
            }

            pos += 2 + BinaryPrimitives.ReadUInt16BigEndian(jpeg.AsSpan(pos + 2));
        }

        return false;
    }

    private static byte[] InsertAfterApp0(byte[] jpeg, byte[] segment)
    {
        var at = 2;
        if (jpeg[2] == 0xFF && jpeg[3] == 0xE0)
        {
            at = 4 + BinaryPrimitives.ReadUInt16BigEndian(jpeg.AsSpan(4));
        }

        return [.. jpeg.AsSpan(0, at), .. segment, .. jpeg.AsSpan(at)];
    }

    /// <summary>An APP1 Exif segment (big-endian TIFF): Orientation, Make, Model and a GPS IFD, as phones write.</summary>
    private static byte[] ExifApp1(ushort orientation)
    {
        var tiff = new List<byte>();
        void U16(int v) { tiff.Add((byte)(v >> 8)); tiff.Add((byte)v); }
        void U32(int v) { U16(v >> 16); U16(v & 0xFFFF); }
        void Entry(int tag, int type, int count, int value, bool shortValue = false)
        {
            U16(tag); U16(type); U32(count);
            if (shortValue) { U16(value); U16(0); } else { U32(value); }
        }

        byte[] make = [.. "MikuPhone\0"u8];
        byte[] model = [.. "MikuPhone 39 Pro\0"u8];
        const int entries = 4;
        var ifdEnd = 8 + 2 + entries * 12 + 4;
        var makeAt = ifdEnd;
        var modelAt = makeAt + make.Length;
        var gpsAt = modelAt + model.Length;
        tiff.AddRange("MM\0*"u8.ToArray());
        U32(8);
        U16(entries);
        Entry(0x010F, 2, make.Length, makeAt);
        Entry(0x0110, 2, model.Length, modelAt);
        Entry(0x0112, 3, 1, orientation, shortValue: true);
        Entry(0x8825, 4, 1, gpsAt);
        U32(0);
        tiff.AddRange(make);
        tiff.AddRange(model);
        var rationals = gpsAt + 2 + 4 * 12 + 4;
        U16(4);
        Entry(0x0001, 2, 2, 'N' << 24);
        Entry(0x0002, 5, 3, rationals);
        Entry(0x0003, 2, 2, 'E' << 24);
        Entry(0x0004, 5, 3, rationals + 24);
        U32(0);
        foreach (var v in new[] { 35, 1, 39, 1, 3141, 100, 139, 1, 44, 1, 5432, 100 })
        {
            U32(v);
        }

        byte[] payload = [.. "Exif\0\0"u8, .. tiff];
        var segment = new byte[4 + payload.Length];
        segment[0] = 0xFF;
        segment[1] = 0xE1;
        BinaryPrimitives.WriteUInt16BigEndian(segment.AsSpan(2), (ushort)(2 + payload.Length));
        payload.CopyTo(segment, 4);
        return segment;
    }
}

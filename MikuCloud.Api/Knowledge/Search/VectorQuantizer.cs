using System.Numerics.Tensors;
using System.Runtime.InteropServices;

namespace MikuCloud.Api.Knowledge;

/// <summary>
/// Embeddings as stored and compared: normalised to unit length, then quantised to signed bytes with one scale per vector
/// (the largest magnitude maps to 127). A quarter of the floats' size, and cosine similarity survives within about 1 %.
/// </summary>
public static class VectorQuantizer
{
    /// <summary>The unit-length <paramref name="vector"/> as signed bytes (stored as <see cref="byte"/>) and their scale.</summary>
    public static (byte[] Values, float Scale) Quantize(ReadOnlySpan<float> vector)
    {
        var unit = new float[vector.Length];
        var norm = TensorPrimitives.Norm(vector);
        if (norm > 0)
        {
            TensorPrimitives.Divide(vector, norm, unit);
        }

        var max = unit.Length == 0 ? 0 : TensorPrimitives.MaxMagnitude<float>(unit);
        var scale = max > 0 ? max / 127f : 1f;
        var values = new byte[unit.Length];
        var signed = MemoryMarshal.Cast<byte, sbyte>(values.AsSpan());
        for (var i = 0; i < unit.Length; i++)
        {
            signed[i] = (sbyte)Math.Clamp(MathF.Round(unit[i] / scale), -127, 127);
        }

        return (values, Math.Abs(scale));
    }

    /// <summary>The dot product of two quantised vectors of equal length, before their scales are applied.</summary>
    public static int Dot(ReadOnlySpan<sbyte> a, ReadOnlySpan<sbyte> b) => Int8Dot.Dot(a, b);
}

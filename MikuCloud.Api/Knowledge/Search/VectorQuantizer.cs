using System.Numerics.Tensors;
using System.Runtime.InteropServices;

namespace MikuCloud.Api.Knowledge;

/// <summary>
/// Embeddings as stored and compared: normalised to unit length, then quantised to signed bytes with one scale per vector
/// (the largest magnitude maps to 127, the scale makes the result unit length). A quarter of the floats' size, and cosine
/// similarity survives within about 0.01.
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

        // MaxMagnitude keeps the sign of the element it picks: the scale is its magnitude.
        var max = unit.Length == 0 ? 0 : Math.Abs(TensorPrimitives.MaxMagnitude<float>(unit));
        var scale = max > 0 ? max / 127f : 1f;
        var values = new byte[unit.Length];
        var signed = MemoryMarshal.Cast<byte, sbyte>(values.AsSpan());
        for (var i = 0; i < unit.Length; i++)
        {
            signed[i] = (sbyte)Math.Clamp(MathF.Round(unit[i] / scale), -127, 127);
        }

        // The scale that gives the rounded vector unit length again: a passage's similarity to itself stays 1.
        var length = MathF.Sqrt(Int8Dot.Dot(signed, signed));
        scale = length > 0 ? 1f / length : 1f;
        return (values, scale);
    }

    /// <summary>The dot product of two quantised vectors of equal length, before their scales are applied.</summary>
    public static int Dot(ReadOnlySpan<sbyte> a, ReadOnlySpan<sbyte> b) => Int8Dot.Dot(a, b);
}

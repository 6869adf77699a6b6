using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace MikuCloud.Api.Knowledge;

/// <summary>
/// Dot products of signed-byte vectors in 32-bit integers. <c>TensorPrimitives.Dot</c> would sum in the element type
/// (and overflow a byte), so this widens to 16 bits and multiply-adds pairs into 32 bits: AVX-512's or AVX2's
/// <c>vpmaddwd</c> where the CPU has it (AVX-512 scans a 100,000-row base about a quarter faster), portable 128-bit
/// vectors elsewhere (ARM).
/// </summary>
internal static class Int8Dot
{
    public static int Dot(ReadOnlySpan<sbyte> a, ReadOnlySpan<sbyte> b)
    {
        if (a.Length != b.Length)
        {
            throw new ArgumentException("The vectors differ in length.", nameof(b));
        }

        var i = 0;
        var sum = 0;
        ref var ra = ref Unsafe.AsRef(in a.GetPinnableReference());
        ref var rb = ref Unsafe.AsRef(in b.GetPinnableReference());
        if (Avx512BW.IsSupported && a.Length >= 64)
        {
            // The same at twice the width: a 1,024-dimension row in 16 steps.
            var acc = Vector512<int>.Zero;
            for (; i + 64 <= a.Length; i += 64)
            {
                var va = Vector512.LoadUnsafe(ref ra, (nuint)i);
                var vb = Vector512.LoadUnsafe(ref rb, (nuint)i);
                acc += Avx512BW.MultiplyAddAdjacent(Avx512BW.ConvertToVector512Int16(va.GetLower()), Avx512BW.ConvertToVector512Int16(vb.GetLower()));
                acc += Avx512BW.MultiplyAddAdjacent(Avx512BW.ConvertToVector512Int16(va.GetUpper()), Avx512BW.ConvertToVector512Int16(vb.GetUpper()));
            }

            sum = Vector512.Sum(acc);
        }

        if (Avx2.IsSupported && a.Length - i >= 32)
        {
            var acc = Vector256<int>.Zero;
            for (; i + 32 <= a.Length; i += 32)
            {
                var va = Vector256.LoadUnsafe(ref ra, (nuint)i);
                var vb = Vector256.LoadUnsafe(ref rb, (nuint)i);
                acc = Avx2.Add(acc, Avx2.MultiplyAddAdjacent(Avx2.ConvertToVector256Int16(va.GetLower()), Avx2.ConvertToVector256Int16(vb.GetLower())));
                acc = Avx2.Add(acc, Avx2.MultiplyAddAdjacent(Avx2.ConvertToVector256Int16(va.GetUpper()), Avx2.ConvertToVector256Int16(vb.GetUpper())));
            }

            sum += Vector256.Sum(acc);
        }
        else if (Vector128.IsHardwareAccelerated && a.Length - i >= 16)
        {
            var acc = Vector128<int>.Zero;
            for (; i + 16 <= a.Length; i += 16)
            {
                var (alo, ahi) = Vector128.Widen(Vector128.LoadUnsafe(ref ra, (nuint)i));
                var (blo, bhi) = Vector128.Widen(Vector128.LoadUnsafe(ref rb, (nuint)i));
                // |x| ≤ 128, so each product fits 16 bits; sums are taken in 32.
                var (p0, p1) = Vector128.Widen(alo * blo);
                var (p2, p3) = Vector128.Widen(ahi * bhi);
                acc += p0 + p1 + p2 + p3;
            }

            sum += Vector128.Sum(acc);
        }

        for (; i < a.Length; i++)
        {
            sum += a[i] * b[i];
        }

        return sum;
    }
}

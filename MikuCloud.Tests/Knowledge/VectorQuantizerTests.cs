using System.Numerics.Tensors;
using System.Runtime.InteropServices;
using MikuCloud.Api.Knowledge;
using MikuCloud.Testing;

namespace MikuCloud.Tests.Knowledge;

/// <summary>Vectors as stored (int8 with a scale) keep the similarities retrieval ranks by.</summary>
public class VectorQuantizerTests
{
    [Fact]
    public void Quantised_cosine_similarity_stays_within_a_hundredth_of_the_exact_one()
    {
        var texts = KnowledgeCorpus.Bilingual.Documents.SelectMany(d => d.Passages).Select(p => p.Text).Take(12).ToList();
        var floats = texts.Select(t => FakeOllama.Embed(t)).ToList();
        var quantised = floats.Select(f => VectorQuantizer.Quantize(f)).ToList();

        for (var i = 0; i < texts.Count; i++)
        {
            for (var j = 0; j < texts.Count; j++)
            {
                var exact = TensorPrimitives.CosineSimilarity(floats[i], floats[j]);
                var approx = VectorQuantizer.Dot(Signed(quantised[i].Values), Signed(quantised[j].Values)) * quantised[i].Scale * quantised[j].Scale;
                Assert.True(Math.Abs(exact - approx) < 0.01, $"{i}·{j}: exact {exact}, quantised {approx}");
            }
        }
    }

    [Theory]
    [InlineData(1)]
    [InlineData(15)]
    [InlineData(33)]
    [InlineData(99)]
    [InlineData(1024)]
    [InlineData(1031)]
    public void The_int8_dot_product_equals_the_plain_sum_of_products_at_any_length(int length)
    {
        var random = new Random(length);
        var a = Enumerable.Range(0, length).Select(_ => (sbyte)random.Next(-128, 128)).ToArray();
        var b = Enumerable.Range(0, length).Select(_ => (sbyte)random.Next(-128, 128)).ToArray();

        Assert.Equal(a.Zip(b, (x, y) => x * y).Sum(), VectorQuantizer.Dot(a, b));
    }

    [Fact]
    public void A_vector_is_made_unit_length_before_it_is_quantised()
    {
        var (values, scale) = VectorQuantizer.Quantize([3f, 4f, 0f]);

        Assert.Equal(new sbyte[] { 95, 127, 0 }, Signed(values).ToArray());
        Assert.Equal(1f, VectorQuantizer.Dot(Signed(values), Signed(values)) * scale * scale, 5);
    }

    private static ReadOnlySpan<sbyte> Signed(byte[] values) => MemoryMarshal.Cast<byte, sbyte>(values.AsSpan());
}

using System.Diagnostics;
using MikuCloud.Api.Images;
using SkiaSharp;
using static MikuCloud.Tests.Images.TestImages;

namespace MikuCloud.Tests.Images;

public sealed class ImagePipelineFuzzTests(ITestOutputHelper output)
{
    [Fact(Timeout = 120_000)]
    public async Task Random_mutations_only_ever_produce_rejections()
    {
        using var photo = PhotoLike(48, 40, seed: 7);
        using var transparent = Solid(40, 30, SKColors.Blue.WithAlpha(90));
        byte[][] seeds =
        [
            Jpeg(photo), InsertJpegSegment(Jpeg(photo), ExifApp1(6, withGps: true)), Png(photo), Png(transparent),
            SolidGif(24, 20, SKColors.Red, SKColors.Blue), WebP(photo, lossless: false), WebP(photo, lossless: true),
            WebP(transparent, lossless: false),
        ];
        var pipeline = new ImagePipeline(new ImagePipelineOptions());
        var random = new Random(20240601);
        int accepted = 0, rejected = 0;
        var codes = new Dictionary<string, int>();
        var slowest = TimeSpan.Zero;

        await Task.Run(() =>
        {
            for (var i = 0; i < 2000; i++)
            {
                var input = Mutate(seeds[random.Next(seeds.Length)], random);
                var watch = Stopwatch.StartNew();
                try
                {
                    pipeline.Process(input);
                    accepted++;
                }
                catch (ImageRejectedException e)
                {
                    rejected++;
                    codes[e.Code] = codes.GetValueOrDefault(e.Code) + 1;
                }
                catch (Exception e)
                {
                    Assert.Fail($"iteration {i}: {e.GetType().Name}: {e.Message}\ninput: {Convert.ToHexString(input)}");
                }

                slowest = watch.Elapsed > slowest ? watch.Elapsed : slowest;
            }
        }, TestContext.Current.CancellationToken);

        output.WriteLine($"accepted {accepted}, rejected {rejected} ({string.Join(", ", codes.Select(c => $"{c.Key}: {c.Value}"))}); slowest {slowest.TotalMilliseconds:0.0} ms");
        Assert.Equal(2000, accepted + rejected);
    }

    private static byte[] Mutate(byte[] seed, Random random)
    {
        var data = new List<byte>(seed);
        var mutations = random.Next(1, 5);
        for (var m = 0; m < mutations && data.Count > 0; m++)
        {
            // Headers are where parsers make decisions, so half the hits land in the first 64 bytes.
            var position = random.Next(2) == 0 ? random.Next(Math.Min(64, data.Count)) : random.Next(data.Count);
            switch (random.Next(5))
            {
                case 0:
                    data[position] ^= (byte)(1 << random.Next(8));
                    break;
                case 1:
                    data.RemoveRange(position, data.Count - position);
                    break;
                case 2:
                    data.InsertRange(position, Enumerable.Range(0, random.Next(1, 9)).Select(_ => (byte)random.Next(256)));
                    break;
                case 3:
                    data[position] = random.Next(2) == 0 ? (byte)0xFF : (byte)0x00;
                    break;
                default:
                    data.RemoveRange(position, Math.Min(random.Next(1, 17), data.Count - position));
                    break;
            }
        }

        return data.ToArray();
    }
}

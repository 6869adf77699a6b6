using System.Diagnostics;
using System.Reflection;
using MikuCloud.Api.Images;
using SkiaSharp;
using static MikuCloud.Tests.Images.TestImages;

namespace MikuCloud.Tests.Images;

/// <summary>Timings are only meaningful when nothing else runs, hence the serial collection.</summary>
[CollectionDefinition(nameof(SerialPerformance), DisableParallelization = true)]
public sealed class SerialPerformance;

/// <summary>Prints timings; asserts only on results, never on time.</summary>
[Collection(nameof(SerialPerformance))]
public sealed class ImagePipelinePerformanceTests(ITestOutputHelper output)
{
    private readonly ImagePipeline _pipeline = new(new ImagePipelineOptions());

    [Fact]
    public void Twelve_megapixel_jpeg_round_trip_timing()
    {
        using var bitmap = PhotoLike(4000, 3000, seed: 3);
        var input = Jpeg(bitmap, quality: 92);

        var result = Measure("12 MP JPEG", input);

        Assert.Equal((1152, 864), (result.Width, result.Height));
    }

    [Fact]
    public void Screenshot_png_round_trip_timing()
    {
        using var bitmap = new SKBitmap(new SKImageInfo(2560, 1440, SKColorType.Rgba8888, SKAlphaType.Premul));
        using (var canvas = new SKCanvas(bitmap))
        using (var font = new SKFont(SKTypeface.Default, 15))
        using (var paint = new SKPaint { Color = SKColors.Black, IsAntialias = true })
        {
            canvas.Clear(SKColors.White);
            for (var y = 20; y < 1440; y += 20)
            {
                canvas.DrawText($"{y:D4}  The quick brown fox jumps over the lazy dog; Qwen3-VL reads screenshots.", 12 + y % 200, y, font, paint);
            }
        }

        var result = Measure("2560x1440 screenshot PNG", Png(bitmap));

        Assert.Equal("image/png", result.MediaType);
        Assert.True(result.Width * result.Height <= ImagePipelineOptions.DefaultPixelBudget);
    }

    private ProcessedImage Measure(string name, byte[] input)
    {
        var result = _pipeline.Process(input); // warm-up: JIT and Skia's lazy initialisation
        var timings = new List<double>();
        for (var i = 0; i < 5; i++)
        {
            var watch = Stopwatch.StartNew();
            result = _pipeline.Process(input);
            timings.Add(watch.Elapsed.TotalMilliseconds);
        }

        timings.Sort();
        var debug = typeof(ImagePipeline).Assembly.GetCustomAttribute<DebuggableAttribute>()?.IsJITOptimizerDisabled == true;
        output.WriteLine($"{name} ({input.Length / 1024.0 / 1024:0.0} MB) -> {result.Width}x{result.Height} {result.MediaType} " +
            $"({result.Data.Length / 1024.0:0} KB): min {timings[0]:0.0} ms, median {timings[2]:0.0} ms, max {timings[^1]:0.0} ms " +
            $"[{(debug ? "Debug build: JIT optimisation off, the C# resampler is 10-20x slower" : "optimised build")}]");
        return result;
    }
}

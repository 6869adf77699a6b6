using System.Diagnostics;
using MikuCloud.Api.Images;
using SkiaSharp;

namespace MikuCloud.Bench;

/// <summary>
/// Item 3: a 12 MP phone JPEG with EXIF orientation through <see cref="ImagePipeline"/> (the API's own instance
/// settings: defaults), one photo at a time on one thread — the pipeline is single-threaded, so this is one core.
/// </summary>
public sealed class ImageBenchmark(BenchOptions options, TextWriter log)
{
    // The smoke test uses a smaller photo: it checks the harness, not the numbers.
    private int Width => options.Scale == BenchScale.Smoke ? 1600 : 4032;

    private int Height => options.Scale == BenchScale.Smoke ? 1200 : 3024;

    public Task<Section> RunAsync(CancellationToken cancellationToken) => Task.Run(() => Run(cancellationToken), cancellationToken);

    private Section Run(CancellationToken cancellationToken)
    {
        var section = new Section(options.Scale == BenchScale.Smoke ? "3. Image pipeline: a phone photo (smoke: 1.9 MP)" : "3. Image pipeline: a 12 MP phone photo");
        var settings = new ImagePipelineOptions();
        var pipeline = new ImagePipeline(settings);
        var iterations = options.Scale switch { BenchScale.Full => 25, BenchScale.Quick => 8, _ => 2 };

        var made = Stopwatch.GetTimestamp();
        var rotated = Photos.PhoneJpeg(Width, Height, orientation: 6);
        var upright = Photos.PhoneJpeg(Width, Height, orientation: 1);
        log.WriteLine($"   photos made in {Clock.MsSince(made) / 1000:0.0} s: {Fmt.Bytes(rotated.Length)}");

        var cases = new[] { ("EXIF orientation 6 (held upright: rotate 90°)", rotated), ("EXIF orientation 1 (no rotation)", upright) };
        var rows = new List<IReadOnlyList<string>>();
        Summary? main = null;
        ProcessedImage? mainResult = null;
        foreach (var (label, input) in cases)
        {
            cancellationToken.ThrowIfCancellationRequested();
            var result = pipeline.Process(input); // warm-up: JIT, Skia's lazy initialisation
            pipeline.Process(input);
            var times = new List<double>(iterations);
            var cpu = new List<double>(iterations);
            for (var i = 0; i < iterations; i++)
            {
                var cpuBefore = Environment.CpuUsage.TotalTime;
                var started = Stopwatch.GetTimestamp();
                result = pipeline.Process(input);
                times.Add(Clock.MsSince(started));
                cpu.Add((Environment.CpuUsage.TotalTime - cpuBefore).TotalMilliseconds);
            }

            var summary = Summary.Of(times);
            main ??= summary;
            mainResult ??= result;
            rows.Add([label, Fmt.Ms(summary.Min), Fmt.Ms(summary.P50), Fmt.Ms(summary.P90), Fmt.Ms(summary.Max), Fmt.Ms(Summary.Of(cpu).P50)]);
            log.WriteLine($"   {label}: p50 {Fmt.Ms(summary.P50)} min {Fmt.Ms(summary.Min)}");
        }

        var r = mainResult!;
        var breakdown = Breakdown(rotated, r, iterations);

        // Two photos at once on both cores: what a burst of uploads gets.
        var parallelPhotos = options.Scale == BenchScale.Smoke ? 2 : iterations * 2;
        var parallelStarted = Stopwatch.GetTimestamp();
        Parallel.For(0, parallelPhotos, new ParallelOptions { MaxDegreeOfParallelism = Environment.ProcessorCount, CancellationToken = cancellationToken },
            _ => pipeline.Process(rotated));
        var perSecond = parallelPhotos / (Clock.MsSince(parallelStarted) / 1000);

        var uncapped = Width / ImagePipeline.TokenSide * (Height / ImagePipeline.TokenSide);
        var (ollamaW, ollamaH) = ImagePipeline.SmartResize(Height, Width, ImagePipelineOptions.MaxPixelBudget);
        var ollamaTokens = ImagePipeline.VisualTokensFor(Height, Width, ImagePipelineOptions.MaxPixelBudget);
        var base64In = (rotated.Length + 2) / 3 * 4;
        var base64Out = (r.Data.Length + 2) / 3 * 4;

        section.Line($"Input: a synthetic {Width}×{Height} ({Width * Height / 1e6:0.0} MP) phone JPEG, quality 92, {Fmt.Bytes(rotated.Length)}, with an EXIF APP1 segment (orientation 6, make,")
            .Line($"model, GPS) — what a phone held upright sends. `ImagePipeline` with the API's default options (pixel budget {settings.PixelBudget:N0} px, JPEG quality {settings.JpegQuality}),")
            .Line($"called directly, one photo at a time on one thread (the pipeline is single-threaded, so this is one core); {iterations} timed runs after 2 warm-ups.")
            .Line();
        section.Table(["input", "min", "p50", "p90", "max", "CPU p50"], rows);
        section.Line("Where the time goes (p50; decode and encode timed separately with the same Skia calls the pipeline makes, the rest is the difference):").Line();
        section.Table(["step", "time"],
        [
            [$"header checks + decode at {breakdown.DecodeWidth}×{breakdown.DecodeHeight} (libjpeg-turbo scales by n/8 inside the IDCT)", Fmt.Ms(breakdown.Decode)],
            [$"2× box reductions + bicubic resize to {r.Height}×{r.Width} (stored orientation) + the orienting draw", Fmt.Ms(Math.Max(0, main!.P50 - breakdown.Decode - breakdown.Encode))],
            [$"JPEG encode {r.Width}×{r.Height}, quality {settings.JpegQuality}, no metadata", Fmt.Ms(breakdown.Encode)],
            ["total", Fmt.Ms(main.P50)],
        ]);
        section.Table(["", "as uploaded", "what Ollama would take unprocessed", "after MikuCloud's pipeline"],
        [
            ["pixels", $"{Width}×{Height} stored, {Height}×{Width} upright", $"{ollamaW}×{ollamaH} (its ~2 MP cap)", $"{r.Width}×{r.Height}"],
            ["visual tokens (32×32 px each)", $"{uncapped:N0} uncapped", $"{ollamaTokens:N0}", $"{r.VisualTokens:N0} ({Fmt.Percent((double)r.VisualTokens / ollamaTokens)} of Ollama's)"],
            ["bytes", Fmt.Bytes(rotated.Length), $"{Fmt.Bytes(rotated.Length)} (sent whole, every turn it stays in the history)", $"{Fmt.Bytes(r.Data.Length)} ({Fmt.Percent((double)r.Data.Length / rotated.Length)})"],
            ["base64 in each `/api/chat` request", Fmt.Bytes(base64In), Fmt.Bytes(base64In), Fmt.Bytes(base64Out)],
            ["metadata (EXIF, GPS)", "yes", "yes (sent to the model server)", Photos.HasApp1(r.Data) ? "**still present**" : "none"],
        ]);
        section.Line($"Throughput with both cores busy (2 photos at a time): {Fmt.N(perSecond, "0.0")} photos/s.").Line();

        if (Photos.HasApp1(r.Data))
        {
            section.Failures.Add("image: the processed photo still carries an APP1 (EXIF) segment");
        }

        if (r.Width > r.Height)
        {
            section.Failures.Add($"image: the processed photo is {r.Width}×{r.Height}, not upright");
        }

        section.Targets.Add(new TargetCheck("3 image", "12 MP phone JPEG → processed, p50 on one core", "≤ 80 ms", Fmt.Ms(main.P50), main.P50 <= 80,
            $"{Fmt.Bytes(rotated.Length)} → {Fmt.Bytes(r.Data.Length)}; {ollamaTokens:N0} → {r.VisualTokens:N0} visual tokens"));
        return section;
    }

    private sealed record Steps(double Decode, double Encode, int DecodeWidth, int DecodeHeight);

    /// <summary>The decode and encode steps alone, with the calls <see cref="ImagePipeline"/> makes.</summary>
    private static Steps Breakdown(byte[] input, ProcessedImage output, int iterations)
    {
        var decode = new List<double>();
        var encode = new List<double>();
        var size = default(SKSizeI);
        using var target = new SKBitmap(new SKImageInfo(output.Width, output.Height, SKImageInfo.PlatformColorType, SKAlphaType.Opaque));
        target.Erase(SKColors.White);
        using (var decoded = SKBitmap.Decode(output.Data))
        using (var canvas = new SKCanvas(target))
        {
            canvas.DrawBitmap(decoded, 0, 0); // realistic content for the encoder
        }

        for (var i = 0; i < iterations + 1; i++)
        {
            var started = Stopwatch.GetTimestamp();
            ImageSniffer.Detect(input);
            ImageSniffer.TryReadDimensions(input, out _, out _);
            using (var data = SKData.CreateCopy(input))
            using (var codec = SKCodec.Create(data))
            {
                // Stored orientation: the output's height is the stored width (orientation 6).
                var (minW, minH) = (output.Height, output.Width);
                size = codec.Info.Size;
                for (var n = 1; n < 8; n++)
                {
                    var scaled = codec.GetScaledDimensions(n / 8f);
                    if (scaled.Width >= minW && scaled.Height >= minH && scaled.Width < size.Width)
                    {
                        size = scaled;
                        break;
                    }
                }

                var info = new SKImageInfo(size.Width, size.Height, SKImageInfo.PlatformColorType, SKAlphaType.Opaque, SKColorSpace.CreateSrgb());
                using var bitmap = new SKBitmap();
                bitmap.TryAllocPixels(info, SKBitmapAllocFlags.ZeroPixels);
                codec.GetPixels(info, bitmap.GetPixels());
            }

            var decoded = Clock.MsSince(started);
            started = Stopwatch.GetTimestamp();
            using (var pixmap = target.PeekPixels())
            using (pixmap.Encode(new SKJpegEncoderOptions(90, SKJpegEncoderDownsample.Downsample420, SKJpegEncoderAlphaOption.Ignore)))
            {
            }

            var encoded = Clock.MsSince(started);
            if (i > 0)
            {
                decode.Add(decoded);
                encode.Add(encoded);
            }
        }

        return new Steps(Summary.Of(decode).P50, Summary.Of(encode).P50, size.Width, size.Height);
    }
}

using System.Diagnostics;
using MikuCloud.Api.Knowledge;
using MikuCloud.Testing;
using SkiaSharp;
using UglyToad.PdfPig.Content;
using UglyToad.PdfPig.Core;
using UglyToad.PdfPig.Fonts.Standard14Fonts;
using UglyToad.PdfPig.Writer;
using static MikuCloud.Tests.Images.TestImages;

namespace MikuCloud.Tests.Knowledge.Reading;

public sealed class PdfReadingTests(ITestOutputHelper output)
{
    private readonly DocumentReaders readers = ReadingFixtures.Readers();

    [Fact]
    public void Text_pages_give_their_text_layer_and_scanned_pages_their_picture_for_the_vision_model()
    {
        var pdf = TestPdf.Report(5, n => n is 2 or 5).Build();

        var pages = readers.ReadAll(pdf, KnowledgeFileTypes.Pdf);

        Assert.Equal([1, 2, 3, 4, 5], pages.Select(p => p.Number));
        foreach (var n in new[] { 1, 3, 4 })
        {
            Assert.Contains($"item code K{n:D4}", pages[n - 1].Text, StringComparison.Ordinal);
            Assert.Null(pages[n - 1].ImageForVision);
        }

        foreach (var scan in new[] { pages[1], pages[4] })
        {
            Assert.Equal("", scan.Text);
            var image = Assert.IsType<PageImage>(scan.ImageForVision);
            Assert.Equal("image/png", image.MediaType); // a PNG scan stays lossless through the image pipeline
            using var bitmap = SKBitmap.Decode(image.Data);
            Assert.True(bitmap.Height > bitmap.Width, $"the page picture is {bitmap.Width}×{bitmap.Height}, not page-shaped");
        }
    }

    [Fact]
    public void A_jpeg_scan_goes_to_the_vision_model_as_a_jpeg_scaled_to_the_token_budget()
    {
        using var photo = PhotoLike(2480, 3508); // an A4 page at 300 dpi
        var pdf = new TestPdf().ScanPage(Jpeg(photo, quality: 80)).Build();

        var page = Assert.Single(readers.ReadAll(pdf, KnowledgeFileTypes.Pdf));

        var image = Assert.IsType<PageImage>(page.ImageForVision);
        Assert.Equal("image/jpeg", image.MediaType);
        using var bitmap = SKBitmap.Decode(image.Data);
        Assert.True(bitmap.Width * bitmap.Height <= 1_048_576, $"{bitmap.Width}×{bitmap.Height} is over the default pixel budget");
        Assert.Equal(0, bitmap.Width % 32);
    }

    [Fact]
    public void A_scan_with_a_stamped_page_number_still_goes_to_the_vision_model_with_no_text()
    {
        var pdf = new TestPdf().ScanPage(TestPng.Scan(), stamp: "- 12 -").TextPage("- 13 -").Build();

        var pages = readers.ReadAll(pdf, KnowledgeFileTypes.Pdf);

        Assert.Equal("", pages[0].Text);
        Assert.NotNull(pages[0].ImageForVision);
        Assert.Equal("- 13 -", pages[1].Text); // little text and no image: kept as it is, nothing for the vision model
        Assert.Null(pages[1].ImageForVision);
    }

    [Fact]
    public void Two_columns_are_read_down_each_column_not_across_the_page()
    {
        var builder = new PdfDocumentBuilder();
        var font = builder.AddStandard14Font(Standard14Font.Helvetica);
        var page = builder.AddPage(PageSize.A4);
        for (var line = 0; line < 6; line++)
        {
            // Written across (right column first), as some generators do; a reader must still go down the left column first.
            page.AddText($"Right column line {line} about pumps.", 10, new PdfPoint(320, 780 - 14 * line), font);
            page.AddText($"Left column line {line} about valves.", 10, new PdfPoint(56, 780 - 14 * line), font);
        }

        var text = Assert.Single(readers.ReadAll(builder.Build(), KnowledgeFileTypes.Pdf)).Text;

        var lastLeft = text.IndexOf("Left column line 5", StringComparison.Ordinal);
        var firstRight = text.IndexOf("Right column line 0", StringComparison.Ordinal);
        Assert.True(lastLeft >= 0 && firstRight >= 0, text);
        Assert.True(lastLeft < firstRight, $"the columns were interleaved:\n{text}");
    }

    [Fact]
    public void Pages_can_be_read_in_any_order_so_ingestion_resumes_at_page_n()
    {
        var pdf = TestPdf.Report(40, _ => false).Build();
        using var document = readers.Open(pdf, KnowledgeFileTypes.Pdf);

        Assert.Equal(40, document.PageCount);
        Assert.Contains("K0031", document.Read(31).Text, StringComparison.Ordinal);
        Assert.Contains("K0007", document.Read(7).Text, StringComparison.Ordinal);
        Assert.Throws<ArgumentOutOfRangeException>(() => document.Read(41));
    }

    [Fact]
    public void A_200_page_report_with_scans_is_read_and_chunked_in_seconds()
    {
        var pdf = TestPdf.Report(200, n => n % 10 == 0).Build();
        var chunker = ReadingFixtures.Chunker();
        var watch = Stopwatch.StartNew();

        using var document = readers.Open(pdf, KnowledgeFileTypes.Pdf);
        var pages = Enumerable.Range(1, document.PageCount).Select(document.Read).ToList();
        var read = watch.Elapsed;
        var chunks = chunker.Chunk(pages);
        var total = watch.Elapsed;

        output.WriteLine($"{pdf.Length:N0} bytes, {pages.Count} pages ({pages.Count(p => p.ImageForVision is not null)} scans): " +
            $"read in {read.TotalMilliseconds:N0} ms ({pages.Count / read.TotalSeconds:N0} pages/s), {chunks.Count} passages in {(total - read).TotalMilliseconds:N0} ms");
        Assert.Equal(20, pages.Count(p => p.ImageForVision is not null));
        Assert.Equal(180, pages.Count(p => p.Text.Length > 0));
        Assert.True(total < TimeSpan.FromSeconds(60), $"took {total}");
    }
}

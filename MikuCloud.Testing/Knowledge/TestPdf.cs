using UglyToad.PdfPig.Content;
using UglyToad.PdfPig.Core;
using UglyToad.PdfPig.Fonts.Standard14Fonts;
using UglyToad.PdfPig.Writer;

namespace MikuCloud.Testing;

/// <summary>
/// Writes PDFs for knowledge tests with PdfPig's builder: pages with a text layer (Helvetica, so Latin-1 text only) and
/// scanned pages (a picture drawn over the whole page, no text at all), in any mix. No binary fixtures.
/// </summary>
public sealed class TestPdf
{
    private const double Margin = 56;
    private const double FontSize = 11;
    private const double LineHeight = 14;
    private const int LineChars = 90;

    private readonly List<Action<PdfDocumentBuilder, PdfDocumentBuilder.AddedFont>> pages = [];

    /// <summary>Pages added so far.</summary>
    public int PageCount => pages.Count;

    /// <summary>
    /// A report of <paramref name="pageCount"/> pages where <paramref name="isScan"/> pages are scans (a
    /// <see cref="TestPng.Scan"/> picture, no text) and the others say <see cref="PageSentence"/> of their number.
    /// </summary>
    public static TestPdf Report(int pageCount, Func<int, bool> isScan)
    {
        ArgumentNullException.ThrowIfNull(isScan);
        var pdf = new TestPdf();
        for (var n = 1; n <= pageCount; n++)
        {
            _ = isScan(n) ? pdf.ScanPage(TestPng.Scan(seed: n)) : pdf.TextPage(PageSentence(n));
        }

        return pdf;
    }

    /// <summary>The text of page <paramref name="number"/> of a <see cref="Report"/>: unique words per page, so a search can find it.</summary>
    public static string PageSentence(int number) =>
        $"Page {number} of the generated report. The inspection of unit {number} found item code K{number:D4} in good order.";

    /// <summary>Adds a page with <paramref name="text"/> as its text layer: lines kept, long lines wrapped at spaces, top to bottom.</summary>
    public TestPdf TextPage(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        var lines = Wrap(text).ToList();
        pages.Add((builder, font) =>
        {
            var page = builder.AddPage(PageSize.A4);
            var y = page.PageSize.Height - Margin;
            foreach (var line in lines)
            {
                if (line.Length > 0)
                {
                    page.AddText(line, FontSize, new PdfPoint(Margin, y), font);
                }

                y -= LineHeight;
            }
        });
        return this;
    }

    /// <summary>Adds a scanned page: <paramref name="image"/> (PNG or JPEG bytes) drawn over the whole page, and no text.</summary>
    public TestPdf ScanPage(byte[] image)
    {
        ArgumentNullException.ThrowIfNull(image);
        var jpeg = image.Length > 2 && image[0] == 0xFF && image[1] == 0xD8;
        pages.Add((builder, _) =>
        {
            var page = builder.AddPage(PageSize.A4);
            var area = new PdfRectangle(0, 0, page.PageSize.Width, page.PageSize.Height);
            if (jpeg)
            {
                page.AddJpeg(image, area);
            }
            else
            {
                page.AddPng(image, area);
            }
        });
        return this;
    }

    /// <summary>The PDF's bytes.</summary>
    public byte[] Build()
    {
        using var builder = new PdfDocumentBuilder();
        var font = builder.AddStandard14Font(Standard14Font.Helvetica);
        foreach (var page in pages)
        {
            page(builder, font);
        }

        return builder.Build();
    }

    private static IEnumerable<string> Wrap(string text)
    {
        foreach (var raw in text.Replace("\r\n", "\n", StringComparison.Ordinal).Split('\n'))
        {
            var line = raw;
            while (line.Length > LineChars)
            {
                var cut = line.LastIndexOf(' ', LineChars);
                cut = cut <= 0 ? LineChars : cut;
                yield return line[..cut];
                line = line[cut..].TrimStart();
            }

            yield return line;
        }
    }
}

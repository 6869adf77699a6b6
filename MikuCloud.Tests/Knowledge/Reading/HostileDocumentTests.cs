using System.Diagnostics;
using MikuCloud.Api.Knowledge;
using MikuCloud.Testing;

namespace MikuCloud.Tests.Knowledge.Reading;

/// <summary>Broken and hostile files end in a coded <see cref="KnowledgeReadException"/>, quickly, never a crash.</summary>
public sealed class HostileDocumentTests(ITestOutputHelper output)
{
    private readonly DocumentReaders readers = ReadingFixtures.Readers();

    [Fact]
    public void Garbage_after_a_pdf_header_is_a_corrupt_file()
    {
        Assert.Equal(ProblemCodes.KnowledgeFileCorrupt, readers.ReadFailure(HostileKnowledgeFiles.GarbagePdf(), KnowledgeFileTypes.Pdf));
    }

    [Theory]
    [InlineData(0.1)]
    [InlineData(0.5)]
    [InlineData(0.9)]
    public void A_truncated_pdf_is_refused_with_a_code_or_read_as_far_as_it_goes(double fraction)
    {
        var pdf = HostileKnowledgeFiles.TruncatedPdf(fraction);
        try
        {
            var pages = readers.ReadAll(pdf, KnowledgeFileTypes.Pdf);
            output.WriteLine($"{fraction:P0}: recovered {pages.Count} pages");
            Assert.All(pages, p => Assert.Contains($"K{p.Number:D4}", p.Text, StringComparison.Ordinal)); // what it recovers is the real text
        }
        catch (KnowledgeReadException e)
        {
            output.WriteLine($"{fraction:P0}: {e.Code}: {e.Message}");
            Assert.Equal(ProblemCodes.KnowledgeFileCorrupt, e.Code);
        }
    }

    [Fact]
    public void A_pdf_whose_page_tree_claims_a_million_pages_reads_as_the_one_page_it_has()
    {
        var watch = Stopwatch.StartNew();

        using var document = readers.Open(HostileKnowledgeFiles.PdfClaimingPages(1_000_000), KnowledgeFileTypes.Pdf);

        // PdfPig counts the pages the tree really holds, not its /Count: the claim costs nothing.
        Assert.Equal(1, document.PageCount);
        Assert.Contains("One real page", document.Read(1).Text, StringComparison.Ordinal);
        Assert.True(watch.ElapsedMilliseconds < 2_000, $"took {watch.ElapsedMilliseconds} ms");
    }

    [Fact]
    public void A_pdf_with_more_pages_than_allowed_is_too_large()
    {
        var limited = ReadingFixtures.Readers(o => o.MaxPages = 10);

        Assert.Equal(ProblemCodes.KnowledgeFileTooLarge, limited.ReadFailure(TestPdf.Report(11, _ => false).Build(), KnowledgeFileTypes.Pdf));
        Assert.Equal(10, limited.ReadAll(TestPdf.Report(10, _ => false).Build(), KnowledgeFileTypes.Pdf).Count);
    }

    [Fact]
    public void A_pdf_page_drawing_more_characters_than_allowed_is_a_huge_page()
    {
        var limited = ReadingFixtures.Readers(o => o.MaxPdfPageLetters = 1_000);
        var crowded = string.Join('\n', Enumerable.Range(0, 30).Select(i => $"Line {i:D2} " + new string('x', 60)));
        var pdf = new TestPdf().TextPage("A short first page.").TextPage(crowded).Build();

        using var document = limited.Open(pdf, KnowledgeFileTypes.Pdf);

        Assert.Contains("short first page", document.Read(1).Text, StringComparison.Ordinal); // the page before is fine
        var refusal = Assert.Throws<KnowledgeReadException>(() => document.Read(2));
        Assert.Equal(ProblemCodes.KnowledgeFileTooLarge, refusal.Code);
        Assert.Contains("Page 2", refusal.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_pdf_page_that_is_a_decompression_bomb_is_refused_after_inflating_only_the_limit()
    {
        var bomb = HostileKnowledgeFiles.PdfWithContentBomb(200L << 20);
        var watch = Stopwatch.StartNew();

        using var document = readers.Open(bomb, KnowledgeFileTypes.Pdf);
        var refusal = Assert.Throws<KnowledgeReadException>(() => document.Read(1));

        output.WriteLine($"{bomb.Length:N0} bytes expanding to 200 MiB: refused in {watch.ElapsedMilliseconds} ms");
        Assert.Equal(ProblemCodes.KnowledgeFileTooLarge, refusal.Code);
        Assert.True(watch.ElapsedMilliseconds < 5_000, $"took {watch.ElapsedMilliseconds} ms");
    }

    [Fact]
    public void A_compressed_page_under_the_limit_reads_normally()
    {
        var page = HostileKnowledgeFiles.PdfWithContentBomb(2L << 20);

        Assert.Contains("One real page", Assert.Single(readers.ReadAll(page, KnowledgeFileTypes.Pdf)).Text, StringComparison.Ordinal);
        Assert.Equal(ProblemCodes.KnowledgeFileTooLarge, ReadingFixtures.Readers(o => o.MaxPdfContentBytes = 1 << 20).ReadFailure(page, KnowledgeFileTypes.Pdf));
    }

    [Fact]
    public void A_docx_zip_bomb_is_refused_after_inflating_a_little_of_it()
    {
        var bomb = HostileKnowledgeFiles.DocxZipBomb(512L << 20);
        var watch = Stopwatch.StartNew();

        var code = readers.ReadFailure(bomb, KnowledgeFileTypes.Docx);

        output.WriteLine($"{bomb.Length:N0} bytes expanding to 512 MiB: refused in {watch.ElapsedMilliseconds} ms");
        Assert.Equal(ProblemCodes.KnowledgeFileTooLarge, code);
        Assert.True(watch.ElapsedMilliseconds < 2_000, $"took {watch.ElapsedMilliseconds} ms");
    }

    [Fact]
    public void A_docx_whose_parts_expand_past_the_limit_is_too_large_even_without_a_bomb_ratio()
    {
        var limited = ReadingFixtures.Readers(o => o.MaxDocxExpandedBytes = 1 << 20);

        Assert.Equal(ProblemCodes.KnowledgeFileTooLarge, limited.ReadFailure(HostileKnowledgeFiles.DocxWithHugePart(2 << 20), KnowledgeFileTypes.Docx));
    }

    [Fact]
    public void A_zip_without_a_word_document_and_a_truncated_docx_are_refused_with_codes()
    {
        var docx = new TestDocx().Paragraph("Hello").Build();

        Assert.Equal(ProblemCodes.KnowledgeFileCorrupt, readers.ReadFailure(docx[..(docx.Length / 2)], KnowledgeFileTypes.Docx));
        using var zip = new MemoryStream();
        using (var archive = new System.IO.Compression.ZipArchive(zip, System.IO.Compression.ZipArchiveMode.Create, leaveOpen: true))
        {
            using var entry = archive.CreateEntry("photos/a.txt").Open();
            entry.Write("not a document"u8);
        }

        Assert.Equal(ProblemCodes.KnowledgeUnsupportedType, readers.ReadFailure(zip.ToArray(), KnowledgeFileTypes.Docx));
    }

    [Fact]
    public void Invalid_utf8_text_and_a_broken_picture_are_refused_with_codes()
    {
        Assert.Equal(ProblemCodes.KnowledgeFileCorrupt, readers.ReadFailure([(byte)'o', (byte)'k', 0xC3, 0x28], KnowledgeFileTypes.Text));
        Assert.Equal(ProblemCodes.ImageCorrupt, readers.ReadFailure([0xFF, 0xD8, 0xFF, 0xE0, 0, 16, 1, 2, 3], KnowledgeFileTypes.Jpeg));
        Assert.Equal(ProblemCodes.KnowledgeUnsupportedType, readers.ReadFailure("GIF89a"u8.ToArray(), "image/gif"));
    }

    [Fact(Timeout = 120_000)]
    public async Task Random_damage_to_pdfs_and_docx_files_only_ever_gives_coded_refusals()
    {
        (byte[] Data, string Type)[] seeds =
        [
            (TestPdf.Report(3, n => n == 2).Build(), KnowledgeFileTypes.Pdf),
            (new TestDocx().Heading("Terms").Paragraph("Payment within thirty days.").Table(["a", "b"], ["1", "2"]).Build(), KnowledgeFileTypes.Docx),
        ];
        var random = new Random(18);
        int read = 0, refused = 0;
        var codes = new Dictionary<string, int>();

        await Task.Run(() =>
        {
            for (var i = 0; i < 300; i++)
            {
                var (data, type) = seeds[i % seeds.Length];
                var damaged = Damage(data, random);
                try
                {
                    readers.ReadAll(damaged, type);
                    read++;
                }
                catch (KnowledgeReadException e)
                {
                    refused++;
                    codes[e.Code] = codes.GetValueOrDefault(e.Code) + 1;
                }
                catch (Exception e)
                {
                    Assert.Fail($"iteration {i} ({type}): {e.GetType().Name}: {e.Message}");
                }
            }
        }, TestContext.Current.CancellationToken);

        output.WriteLine($"read {read}, refused {refused} ({string.Join(", ", codes.Select(c => $"{c.Key}: {c.Value}"))})");
        Assert.Equal(300, read + refused);
    }

    private static byte[] Damage(byte[] seed, Random random)
    {
        var data = (byte[])seed.Clone();
        for (var m = random.Next(1, 8); m > 0; m--)
        {
            data[random.Next(data.Length)] = (byte)random.Next(256);
        }

        return random.Next(4) == 0 ? data[..random.Next(data.Length)] : data;
    }
}

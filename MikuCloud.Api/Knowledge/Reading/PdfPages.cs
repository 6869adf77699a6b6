using MikuCloud.Api.Images;
using UglyToad.PdfPig;
using UglyToad.PdfPig.Content;
using UglyToad.PdfPig.DocumentLayoutAnalysis.PageSegmenter;
using UglyToad.PdfPig.DocumentLayoutAnalysis.ReadingOrderDetector;
using UglyToad.PdfPig.DocumentLayoutAnalysis.WordExtractor;
using UglyToad.PdfPig.Exceptions;

namespace MikuCloud.Api.Knowledge;

/// <summary>
/// A PDF read through PdfPig one page at a time: the text layer's words grouped into blocks and put in reading order
/// (columns read down, not across); a page with (almost) no text is a scan, and its largest image goes to the vision
/// model. Anything PdfPig throws on a broken or hostile file becomes a <see cref="KnowledgeReadException"/>.
/// </summary>
internal sealed class PdfPages : IDocumentPages
{
    private readonly PdfDocument document;
    private readonly ImagePipeline images;
    private readonly KnowledgeReadingOptions limits;

    private PdfPages(PdfDocument document, ImagePipeline images, KnowledgeReadingOptions limits) =>
        (this.document, this.images, this.limits, PageCount) = (document, images, limits, document.NumberOfPages);

    public int PageCount { get; }

    public static PdfPages Open(byte[] data, ImagePipeline images, KnowledgeReadingOptions limits)
    {
        PdfDocument? document = null;
        try
        {
            // Lenient parsing recovers files with damaged cross-reference tables, as viewers do; a bounded stack keeps
            // deeply nested objects from crashing the process.
            document = Guard(() => PdfDocument.Open(data, new ParsingOptions
            {
                UseLenientParsing = true,
                SkipMissingFonts = true,
                ClipPaths = false,
                MaxStackDepth = 64,
            }));
            var count = Guard(() => document.NumberOfPages);
            if (count < 1)
            {
                throw new KnowledgeReadException(ProblemCodes.KnowledgeFileCorrupt, "The PDF has no pages.");
            }

            if (count > limits.MaxPages)
            {
                throw new KnowledgeReadException(ProblemCodes.KnowledgeFileTooLarge,
                    $"The PDF has {count:N0} pages; a document may have at most {limits.MaxPages:N0}.");
            }

            var pages = new PdfPages(document, images, limits);
            document = null;
            return pages;
        }
        finally
        {
            document?.Dispose();
        }
    }

    public DocumentPage Read(int number)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(number, 1);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(number, PageCount);
        return Guard(() =>
        {
            var page = document.GetPage(number);
            if (page.Letters.Count > limits.MaxPdfPageLetters)
            {
                throw new KnowledgeReadException(ProblemCodes.KnowledgeFileTooLarge,
                    $"Page {number} draws {page.Letters.Count:N0} characters; a page may have at most {limits.MaxPdfPageLetters:N0}.");
            }

            var text = TextInReadingOrder(page);
            if (text.Length > limits.MaxPageChars)
            {
                throw PageText.TooMuchText(limits);
            }

            return PageText.Meaningful(text) >= limits.ScanTextThreshold
                ? new DocumentPage(number, text, null)
                : new DocumentPage(number, text, LargestImage(page));
        });
    }

    public void Dispose() => document.Dispose();

    private static string TextInReadingOrder(Page page)
    {
        if (page.Letters.Count == 0)
        {
            return "";
        }

        var words = page.GetWords(NearestNeighbourWordExtractor.Instance).ToList();
        var blocks = DocstrumBoundingBoxes.Instance.GetBlocks(words);
        var ordered = UnsupervisedReadingOrderDetector.Instance.Get(blocks);
        return PageText.JoinCjk(string.Join("\n\n", ordered.Select(b => b.Text.Trim()).Where(t => t.Length > 0)));
    }

    /// <summary>The page's largest image that can be extracted (a JPEG as stored, else decoded to PNG), through the image pipeline.</summary>
    private PageImage? LargestImage(Page page)
    {
        foreach (var image in page.GetImages().OrderByDescending(i => (long)i.WidthInSamples * i.HeightInSamples))
        {
            if ((long)image.WidthInSamples * image.HeightInSamples > limits.MaxScanImagePixels)
            {
                continue; // decoding it would allocate more than a scan needs; a smaller image may still do
            }

            var raw = image.RawMemory.Span;
            var bytes = raw.Length >= 3 && raw[0] == 0xFF && raw[1] == 0xD8 && raw[2] == 0xFF ? raw.ToArray()
                : image.TryGetPng(out var png) ? png : null;
            if (bytes is null)
            {
                continue; // a filter PdfPig cannot decode (JBIG2, JPEG 2000)
            }

            try
            {
                var processed = images.Process(bytes);
                return new PageImage(processed.Data, processed.MediaType);
            }
            catch (ImageRejectedException)
            {
                // Not a picture Skia accepts; try the next one.
            }
        }

        return null;
    }

    /// <summary>Runs PdfPig code, turning whatever a broken or hostile file makes it throw into a coded refusal.</summary>
    private static T Guard<T>(Func<T> read)
    {
        try
        {
            return read();
        }
        catch (KnowledgeReadException)
        {
            throw;
        }
        catch (PdfDocumentEncryptedException e)
        {
            throw new KnowledgeReadException(ProblemCodes.KnowledgeFileCorrupt, "The PDF is password-protected; upload it without the password.", e);
        }
        catch (OutOfMemoryException e)
        {
            throw new KnowledgeReadException(ProblemCodes.KnowledgeFileTooLarge, "The PDF needs more memory to read than allowed.", e);
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            // PdfPig reports a damaged file with many exception types (format, cast, index, null reference…).
            throw new KnowledgeReadException(ProblemCodes.KnowledgeFileCorrupt, "The PDF could not be read; it may be damaged or truncated.", e);
        }
    }
}

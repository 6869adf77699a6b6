using Microsoft.Extensions.Options;
using MikuCloud.Api.Images;

namespace MikuCloud.Api.Knowledge;

/// <summary>
/// Opens an uploaded document of a detected type (<see cref="KnowledgeFileTypes"/>) as pages: text and Markdown as one
/// page, a Word document split at its page breaks, a PDF page by page (its text layer, or for a scan its largest image),
/// a picture as one page for the vision model. Pure: no database, no HTTP; thread-safe.
/// </summary>
public sealed class DocumentReaders(ImagePipeline images, IOptions<KnowledgeReadingOptions> options)
{
    private readonly KnowledgeReadingOptions limits = options.Value;

    /// <summary>Opens <paramref name="data"/> as <paramref name="mediaType"/>; dispose the result when done.</summary>
    /// <exception cref="KnowledgeReadException">The file is of another type, damaged, or larger than the reading limits.</exception>
    public IDocumentPages Open(byte[] data, string mediaType)
    {
        ArgumentNullException.ThrowIfNull(data);
        return mediaType switch
        {
            KnowledgeFileTypes.Text or KnowledgeFileTypes.Markdown => new ReadyPages([new DocumentPage(1, ReadText(data), null)]),
            KnowledgeFileTypes.Pdf => PdfPages.Open(data, images, limits),
            KnowledgeFileTypes.Docx => new ReadyPages(DocxReader.Read(data, limits)),
            _ when KnowledgeFileTypes.IsPicture(mediaType) => new ReadyPages([new DocumentPage(1, "", ReadPicture(data))]),
            _ => throw new KnowledgeReadException(ProblemCodes.KnowledgeUnsupportedType,
                "This type of file cannot be read; upload text, Markdown, PDF, Word (DOCX), JPEG, PNG or WebP."),
        };
    }

    private string ReadText(byte[] data)
    {
        var text = KnowledgeFileTypes.DecodeText(data) ?? throw new KnowledgeReadException(ProblemCodes.KnowledgeFileCorrupt,
            "The text file is not valid UTF-8; save it as UTF-8 and upload it again.");
        text = PageText.NormaliseLineEnds(text);
        return text.Length <= limits.MaxPageChars ? text : throw PageText.TooMuchText(limits);
    }

    private PageImage ReadPicture(byte[] data)
    {
        try
        {
            var image = images.Process(data);
            return new PageImage(image.Data, image.MediaType);
        }
        catch (ImageRejectedException e)
        {
            throw new KnowledgeReadException(e.Code, e.Message, e);
        }
    }
}

namespace MikuCloud.Api.Knowledge;

/// <summary>
/// The text of one page of a <see cref="KnowledgeDocument"/> as read (its text layer, or what the vision model read off
/// its image): saved page by page so ingestion resumes where it stopped and a citation can show the whole page.
/// </summary>
public sealed class KnowledgePage
{
    public Guid DocumentId { get; set; }

    /// <summary>From 1, as a reader counts pages.</summary>
    public int Number { get; set; }

    /// <summary>One of <see cref="KnowledgePageSource"/>.</summary>
    public string Source { get; set; } = KnowledgePageSource.Text;
    public string Text { get; set; } = "";

    // Last column (see KnowledgeDocument.Data).

    /// <summary>The page rendered as an image (JPEG) when the vision model read it: what a citation of a scan shows.</summary>
    public byte[]? Image { get; set; }
}

/// <summary>How a page's text was obtained.</summary>
public static class KnowledgePageSource
{
    /// <summary>The file's own text (a text file, a Word document, a PDF's text layer).</summary>
    public const string Text = "text";

    /// <summary>Read by the vision model off the page image (a scanned PDF page).</summary>
    public const string Ocr = "ocr";

    /// <summary>A picture described and read by the vision model (caption + the text in it).</summary>
    public const string Picture = "picture";
}

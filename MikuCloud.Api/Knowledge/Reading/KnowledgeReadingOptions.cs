using System.ComponentModel.DataAnnotations;

namespace MikuCloud.Api.Knowledge;

/// <summary>
/// The <c>Knowledge:Reading</c> configuration section: how much of a document the readers take on (hostile files are
/// refused at these limits, never read until memory runs out) and how the chunker cuts passages.
/// </summary>
public sealed class KnowledgeReadingOptions
{
    /// <summary>The configuration section.</summary>
    public const string SectionName = "Knowledge:Reading";

    /// <summary>Pages one document may have (a PDF claiming more is refused before any page is read).</summary>
    [Range(1, 1_000_000)]
    public int MaxPages { get; set; } = 2_000;

    /// <summary>Characters of text one page may hold (a text file is one page).</summary>
    [Range(1_000, 100_000_000)]
    public int MaxPageChars { get; set; } = 2_000_000;

    /// <summary>Glyphs one PDF page may draw: past this, laying out its words costs too much (a "huge page").</summary>
    [Range(1_000, 10_000_000)]
    public int MaxPdfPageLetters { get; set; } = 200_000;

    /// <summary>A PDF page with fewer letters or digits than this is treated as a scan: its largest image goes to the vision model.</summary>
    [Range(0, 10_000)]
    public int ScanTextThreshold { get; set; } = 16;

    /// <summary>Pixels of the largest scan image decoded from a PDF page (its samples, before the image pipeline scales it).</summary>
    [Range(1_000_000, 400_000_000)]
    public long MaxScanImagePixels { get; set; } = 60_000_000;

    /// <summary>Bytes the parts of a Word document may expand to, all together (checked before the document is opened).</summary>
    [Range(1L << 20, 1L << 32)]
    public long MaxDocxExpandedBytes { get; set; } = 256L << 20;

    /// <summary>How many times its compressed size one part of a Word document may expand (a zip bomb expands thousands of times).</summary>
    [Range(10, 100_000)]
    public int MaxDocxCompressionRatio { get; set; } = 200;

    /// <summary>Entries a Word document's zip may list.</summary>
    [Range(10, 1_000_000)]
    public int MaxDocxEntries { get; set; } = 5_000;

    /// <summary>The size of a passage the chunker aims for, in estimated tokens.</summary>
    [Range(32, 8_192)]
    public int ChunkTokens { get; set; } = 350;

    /// <summary>How much of a passage's end the next passage of the same section repeats (0–0.5).</summary>
    [Range(0.0, 0.5)]
    public double ChunkOverlap { get; set; } = 0.15;
}

using System.Text;
using DocumentFormat.OpenXml;
using DocumentFormat.OpenXml.Packaging;
using DocumentFormat.OpenXml.Wordprocessing;

namespace MikuCloud.Api.Knowledge;

/// <summary>
/// Reads a Word document (DOCX) into pages of Markdown-like text: heading styles become <c>#</c> headings, numbered and
/// bulleted paragraphs <c>-</c> items, tables <c>|</c> rows. Pages split where Word last laid out its page breaks (the
/// page numbers a reader sees), or at hard page breaks when the file has no layout. The zip is checked for bombs first.
/// </summary>
internal static class DocxReader
{
    public static IReadOnlyList<DocumentPage> Read(byte[] data, KnowledgeReadingOptions limits)
    {
        DocxZipGuard.Check(data, limits);
        try
        {
            using var stream = new MemoryStream(data, writable: false);
            using var document = WordprocessingDocument.Open(stream, false, new OpenSettings { MaxCharactersInPart = limits.MaxDocxExpandedBytes });
            var main = document.MainDocumentPart ?? throw new KnowledgeReadException(ProblemCodes.KnowledgeUnsupportedType,
                "The file is an Office package but not a Word document.");
            var body = main.Document?.Body;
            var pages = new DocxPageWriter(limits, body?.Descendants<LastRenderedPageBreak>().Any() == true);
            if (body is not null)
            {
                Write(body, new DocxHeadingStyles(main), pages);
            }

            return pages.Finish();
        }
        catch (KnowledgeReadException)
        {
            throw;
        }
        catch (Exception e) when (e is OpenXmlPackageException or InvalidDataException or IOException or System.Xml.XmlException or InvalidOperationException or FileFormatException)
        {
            throw new KnowledgeReadException(ProblemCodes.KnowledgeFileCorrupt, "The Word document could not be read; it may be damaged.", e);
        }
    }

    private static void Write(OpenXmlElement container, DocxHeadingStyles headings, DocxPageWriter pages)
    {
        foreach (var element in container.ChildElements)
        {
            switch (element)
            {
                case Paragraph paragraph:
                    WriteParagraph(paragraph, headings, pages);
                    break;
                case Table table:
                    WriteTable(table, pages);
                    break;
                case SdtBlock or CustomXmlBlock:
                    Write(element is SdtBlock sdt ? sdt.SdtContentBlock ?? element : element, headings, pages);
                    break;
            }
        }
    }

    private static void WriteParagraph(Paragraph paragraph, DocxHeadingStyles headings, DocxPageWriter pages)
    {
        var level = headings.LevelOf(paragraph);
        var numbering = paragraph.ParagraphProperties?.NumberingProperties;
        var prefix = level > 0 ? new string('#', level) + " "
            : numbering?.NumberingId is not null ? new string(' ', 2 * (numbering.NumberingLevelReference?.Val?.Value ?? 0)) + "- "
            : "";
        pages.StartBlock(prefix);
        foreach (var node in paragraph.Descendants())
        {
            switch (node)
            {
                case Text text:
                    pages.Append(level > 0 ? text.Text.Replace('\n', ' ') : text.Text);
                    break;
                case TabChar:
                    pages.Append("\t");
                    break;
                case Break br when br.Type?.Value == BreakValues.Page:
                    pages.HardPageBreak();
                    break;
                case Break or CarriageReturn:
                    pages.Append("\n");
                    break;
                case LastRenderedPageBreak:
                    pages.RenderedPageBreak();
                    break;
            }
        }

        pages.EndBlock();
    }

    /// <summary>A table as Markdown rows: cells' text on one line each, <c>|</c> escaped; a header rule after the first row.</summary>
    private static void WriteTable(Table table, DocxPageWriter pages)
    {
        var first = true;
        foreach (var row in table.Elements<TableRow>())
        {
            if (row.Descendants<LastRenderedPageBreak>().Any())
            {
                pages.RenderedPageBreak();
            }

            var cells = row.Elements<TableCell>().Select(CellText).ToList();
            var line = new StringBuilder("| ").AppendJoin(" | ", cells).Append(" |");
            if (first)
            {
                line.Append('\n').Append("| ").AppendJoin(" | ", cells.Select(_ => "---")).Append(" |");
                first = false;
            }

            pages.Row(line.ToString());
        }

        pages.EndBlock();
    }

    private static string CellText(TableCell cell) => string.Join(" ", cell.Descendants<Paragraph>()
        .Select(p => string.Concat(p.Descendants<Text>().Select(t => t.Text)).Trim())
        .Where(t => t.Length > 0)).Replace("|", "\\|", StringComparison.Ordinal).Replace('\n', ' ');
}

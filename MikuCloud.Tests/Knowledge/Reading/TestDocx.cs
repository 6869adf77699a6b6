using DocumentFormat.OpenXml;
using DocumentFormat.OpenXml.Packaging;
using DocumentFormat.OpenXml.Wordprocessing;

namespace MikuCloud.Tests.Knowledge.Reading;

/// <summary>Writes Word documents with the Open XML SDK, as Word would: styles by id with their names, numbering, tables, page breaks.</summary>
internal sealed class TestDocx
{
    private readonly List<OpenXmlElement> body = [];
    private readonly List<(string Id, string Name)> styles = [("Heading1", "heading 1"), ("Heading2", "heading 2")];

    /// <summary>Adds a paragraph style (a localised Word names <c>heading 1</c>'s id <c>1</c>, or <c>标题1</c>).</summary>
    public TestDocx Style(string id, string name)
    {
        styles.Add((id, name));
        return this;
    }

    public TestDocx Heading(string text, int level = 1, string? styleId = null) =>
        Add(new Paragraph(new ParagraphProperties(new ParagraphStyleId { Val = styleId ?? $"Heading{level}" }), Run(text)));

    public TestDocx Paragraph(string text) => Add(new Paragraph(Run(text)));

    public TestDocx ListItem(string text, int level = 0) => Add(new Paragraph(
        new ParagraphProperties(new NumberingProperties(new NumberingLevelReference { Val = level }, new NumberingId { Val = 1 })), Run(text)));

    public TestDocx Table(params string[][] rows) => Add(new Table(rows.Select(cells =>
        new TableRow(cells.Select(c => new TableCell(new Paragraph(Run(c))))))));

    /// <summary>A hard page break (<c>w:br w:type="page"</c>) in a paragraph of its own.</summary>
    public TestDocx HardPageBreak() => Add(new Paragraph(new Run(new Break { Type = BreakValues.Page })));

    /// <summary>A paragraph that starts a new page in Word's last layout (<c>w:lastRenderedPageBreak</c> before its text).</summary>
    public TestDocx ParagraphOnNextRenderedPage(string text) => Add(new Paragraph(new Run(new LastRenderedPageBreak(), new Text(text))));

    public byte[] Build()
    {
        using var stream = new MemoryStream();
        using (var document = WordprocessingDocument.Create(stream, WordprocessingDocumentType.Document))
        {
            var main = document.AddMainDocumentPart();
            var styleDefinitions = main.AddNewPart<StyleDefinitionsPart>();
            styleDefinitions.Styles = new Styles(styles.Select(s =>
                new Style(new StyleName { Val = s.Name }) { Type = StyleValues.Paragraph, StyleId = s.Id }));
            main.Document = new Document(new Body(body.Select(e => e.CloneNode(true))));
        }

        return stream.ToArray();
    }

    private TestDocx Add(OpenXmlElement element)
    {
        body.Add(element);
        return this;
    }

    private static Run Run(string text) => new(new Text(text) { Space = SpaceProcessingModeValues.Preserve });
}

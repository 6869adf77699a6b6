using System.Text;
using MikuCloud.Api.Knowledge;
using SkiaSharp;
using static MikuCloud.Tests.Images.TestImages;

namespace MikuCloud.Tests.Knowledge.Reading;

public sealed class DocxAndTextReadingTests
{
    private readonly DocumentReaders readers = ReadingFixtures.Readers();

    [Fact]
    public void A_word_document_reads_as_markdown_headings_lists_and_table_rows()
    {
        var docx = new TestDocx()
            .Heading("Installation")
            .Paragraph("Unpack the archive.")
            .ListItem("Stop the pump.")
            .ListItem("Close valve 2.", level: 1)
            .Heading("Limits", level: 2)
            .Table(["Part", "Torque"], ["Bolt M8", "25 Nm"], ["Pipe | elbow", "40 Nm"])
            .Build();

        var page = Assert.Single(readers.ReadAll(docx, KnowledgeFileTypes.Docx));

        Assert.Equal(
            "# Installation\n\nUnpack the archive.\n\n- Stop the pump.\n\n  - Close valve 2.\n\n## Limits\n\n" +
            "| Part | Torque |\n| --- | --- |\n| Bolt M8 | 25 Nm |\n| Pipe \\| elbow | 40 Nm |",
            page.Text);
        Assert.Null(page.ImageForVision);
    }

    [Fact]
    public void Headings_are_found_by_style_name_when_localised_word_gives_styles_other_ids()
    {
        var docx = new TestDocx().Style("1", "heading 1").Style("a3", "Title").Style("Normal", "Normal")
            .Heading("第一章 总则", styleId: "1").Paragraph("本合同自签字之日起生效。")
            .Heading("Quarterly report", styleId: "a3")
            .Heading("Not a heading", styleId: "Normal")
            .Build();

        var text = Assert.Single(readers.ReadAll(docx, KnowledgeFileTypes.Docx)).Text;

        Assert.Equal("# 第一章 总则\n\n本合同自签字之日起生效。\n\n# Quarterly report\n\nNot a heading", text);
    }

    [Fact]
    public void Pages_split_where_word_laid_them_out_and_otherwise_at_hard_page_breaks()
    {
        var rendered = new TestDocx().Heading("One").Paragraph("First page.").HardPageBreak()
            .ParagraphOnNextRenderedPage("Second page.").ParagraphOnNextRenderedPage("Third page.").Build();
        var hardOnly = new TestDocx().Paragraph("Before.").HardPageBreak().Paragraph("After.").Build();

        var byLayout = readers.ReadAll(rendered, KnowledgeFileTypes.Docx);
        var byBreaks = readers.ReadAll(hardOnly, KnowledgeFileTypes.Docx);

        // With a layout, the hard break is already counted by the rendered break that follows it: three pages, not four.
        Assert.Equal(["# One\n\nFirst page.", "Second page.", "Third page."], byLayout.Select(p => p.Text));
        Assert.Equal([1, 2, 3], byLayout.Select(p => p.Number));
        Assert.Equal(["Before.", "After."], byBreaks.Select(p => p.Text));
    }

    [Fact]
    public void Text_and_markdown_are_one_page_with_windows_line_ends_made_plain()
    {
        var bytes = Encoding.UTF8.GetBytes("\uFEFF# 标题\r\n\r\n第一段。\r\nSecond line.");

        var page = Assert.Single(readers.ReadAll(bytes, KnowledgeFileTypes.Markdown));

        Assert.Equal("# 标题\n\n第一段。\nSecond line.", page.Text);
        Assert.Null(page.ImageForVision);
    }

    [Fact]
    public void A_text_file_longer_than_a_page_may_be_is_too_large()
    {
        var limited = ReadingFixtures.Readers(o => o.MaxPageChars = 1_000);

        Assert.Equal(ProblemCodes.KnowledgeFileTooLarge, limited.ReadFailure(Encoding.UTF8.GetBytes(new string('a', 1_001)), KnowledgeFileTypes.Text));
    }

    [Fact]
    public void A_picture_is_one_page_for_the_vision_model_made_upright_and_small_enough()
    {
        using var photo = PhotoLike(3000, 2000);

        var page = Assert.Single(readers.ReadAll(Jpeg(photo), KnowledgeFileTypes.Jpeg));

        Assert.Equal("", page.Text);
        var image = Assert.IsType<PageImage>(page.ImageForVision);
        using var bitmap = SKBitmap.Decode(image.Data);
        Assert.True(bitmap.Width * bitmap.Height <= 1_048_576 && bitmap.Width > bitmap.Height, $"{bitmap.Width}×{bitmap.Height}");
    }
}

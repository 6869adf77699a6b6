using System.Text;
using MikuCloud.Api.Knowledge;
using MikuCloud.Testing;
using SkiaSharp;
using static MikuCloud.Tests.Images.TestImages;

namespace MikuCloud.Tests.Knowledge.Reading;

public sealed class KnowledgeFileTypesTests
{
    [Fact]
    public void Each_supported_file_is_known_by_its_bytes_whatever_its_name()
    {
        using var photo = PhotoLike(64, 48);

        Assert.Equal(KnowledgeFileTypes.Pdf, KnowledgeFileTypes.Detect(new TestPdf().TextPage("Hello").Build(), "notes.txt"));
        Assert.Equal(KnowledgeFileTypes.Docx, KnowledgeFileTypes.Detect(new TestDocx().Paragraph("Hello").Build(), "upload.bin"));
        Assert.Equal(KnowledgeFileTypes.Jpeg, KnowledgeFileTypes.Detect(Jpeg(photo), "scan.pdf"));
        Assert.Equal(KnowledgeFileTypes.Png, KnowledgeFileTypes.Detect(Png(photo), "scan.jpg"));
        Assert.Equal(KnowledgeFileTypes.WebP, KnowledgeFileTypes.Detect(WebP(photo, lossless: false), "a.png"));
        Assert.Equal(KnowledgeFileTypes.Text, KnowledgeFileTypes.Detect("Plain words.\n"u8, "report.pdf"));
    }

    [Fact]
    public void Markdown_is_utf8_text_named_md_and_a_bom_or_chinese_text_is_still_text()
    {
        Assert.Equal(KnowledgeFileTypes.Markdown, KnowledgeFileTypes.Detect("# Title\n\nBody"u8, "README.MD"));
        Assert.Equal(KnowledgeFileTypes.Markdown, KnowledgeFileTypes.Detect("# Title"u8, "notes.markdown"));
        Assert.Equal(KnowledgeFileTypes.Text, KnowledgeFileTypes.Detect([0xEF, 0xBB, 0xBF, .. Encoding.UTF8.GetBytes("合同第三条：付款期限为三十日。")], "合同.txt"));
    }

    [Fact]
    public void A_head_cut_inside_a_chinese_character_is_still_text()
    {
        var bytes = Encoding.UTF8.GetBytes(string.Concat(Enumerable.Repeat("知识库", 100)));

        Assert.Equal(KnowledgeFileTypes.Text, KnowledgeFileTypes.Detect(bytes.AsSpan(0, 100), "kb.txt")); // 100 = 33 characters and a third
    }

    [Fact]
    public void Binaries_gifs_other_zips_and_invalid_utf8_are_not_supported()
    {
        using var photo = PhotoLike(16, 16);
        byte[] executable = [0x7F, (byte)'E', (byte)'L', (byte)'F', 2, 1, 1, 0, 0, 0];

        Assert.Null(KnowledgeFileTypes.Detect(executable, "manual.txt"));
        Assert.Null(KnowledgeFileTypes.Detect(SolidGif(8, 8, SKColors.Red, SKColors.Blue), "a.gif"));
        Assert.Null(KnowledgeFileTypes.Detect("PK\x03\x04\x14\0\0\0photos/a.jpg"u8, "photos.zip"));
        Assert.Null(KnowledgeFileTypes.Detect([(byte)'a', 0xC3, 0x28, (byte)'b'], "latin1.txt"));
        Assert.Null(KnowledgeFileTypes.Detect("text\0with a NUL"u8, "x.txt"));
    }
}

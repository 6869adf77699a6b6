using System.Globalization;
using System.IO.Compression;
using System.Text;

namespace MikuCloud.Testing;

/// <summary>
/// Broken and hostile documents for the knowledge readers and uploads, made in memory: truncated and garbage PDFs, a PDF
/// whose page tree claims a million pages, a Word zip bomb and a Word document with one enormous part.
/// </summary>
public static class HostileKnowledgeFiles
{
    /// <summary>A real multi-page PDF cut off at <paramref name="fraction"/> of its bytes.</summary>
    public static byte[] TruncatedPdf(double fraction = 0.5)
    {
        var whole = TestPdf.Report(6, _ => false).Build();
        return whole[..(int)(whole.Length * fraction)];
    }

    /// <summary>A PDF header followed by noise: no objects, no cross-reference table.</summary>
    public static byte[] GarbagePdf(int seed = 1)
    {
        var noise = new byte[4_096];
        new Random(seed).NextBytes(noise);
        return [.. "%PDF-1.7\n"u8, .. noise];
    }

    /// <summary>A well-formed PDF with one page whose page tree says it has <paramref name="pages"/>.</summary>
    public static byte[] PdfClaimingPages(long pages = 1_000_000)
    {
        var content = "BT /F1 12 Tf 72 720 Td (One real page) Tj ET";
        string[] objects =
        [
            "<< /Type /Catalog /Pages 2 0 R >>",
            string.Create(CultureInfo.InvariantCulture, $"<< /Type /Pages /Kids [3 0 R] /Count {pages} >>"),
            "<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Contents 4 0 R /Resources << /Font << /F1 5 0 R >> >> >>",
            string.Create(CultureInfo.InvariantCulture, $"<< /Length {content.Length} >>\nstream\n{content}\nendstream"),
            "<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
        ];
        var pdf = new StringBuilder("%PDF-1.7\n");
        var offsets = new List<int>();
        for (var i = 0; i < objects.Length; i++)
        {
            offsets.Add(pdf.Length);
            pdf.Append(CultureInfo.InvariantCulture, $"{i + 1} 0 obj\n{objects[i]}\nendobj\n");
        }

        var xref = pdf.Length;
        pdf.Append(CultureInfo.InvariantCulture, $"xref\n0 {objects.Length + 1}\n0000000000 65535 f \n");
        foreach (var offset in offsets)
        {
            pdf.Append(CultureInfo.InvariantCulture, $"{offset:D10} 00000 n \n");
        }

        pdf.Append(CultureInfo.InvariantCulture, $"trailer\n<< /Size {objects.Length + 1} /Root 1 0 R >>\nstartxref\n{xref}\n%%EOF\n");
        return Encoding.ASCII.GetBytes(pdf.ToString());
    }

    /// <summary>
    /// A Word document (as far as its zip goes) whose <c>word/document.xml</c> inflates to
    /// <paramref name="expandedBytes"/> of spaces from a few kilobytes: a zip bomb.
    /// </summary>
    public static byte[] DocxZipBomb(long expandedBytes = 64L << 20)
    {
        var spaces = new byte[1 << 20];
        Array.Fill(spaces, (byte)' ');
        return Docx(document =>
        {
            for (long written = 0; written < expandedBytes; written += spaces.Length)
            {
                document.Write(spaces, 0, (int)Math.Min(spaces.Length, expandedBytes - written));
            }
        });
    }

    /// <summary>A Word document whose <c>word/document.xml</c> is <paramref name="bytes"/> of text that barely compresses (no bomb, just huge).</summary>
    public static byte[] DocxWithHugePart(int bytes)
    {
        var random = new Random(7);
        var text = new byte[bytes];
        for (var i = 0; i < text.Length; i++)
        {
            text[i] = (byte)(i % 9 == 8 ? ' ' : 'a' + random.Next(26));
        }

        return Docx(document =>
        {
            document.Write("<w:document xmlns:w=\"http://schemas.openxmlformats.org/wordprocessingml/2006/main\"><w:body><w:p><w:r><w:t>"u8);
            document.Write(text);
            document.Write("</w:t></w:r></w:p></w:body></w:document>"u8);
        });
    }

    private static byte[] Docx(Action<Stream> writeDocument)
    {
        using var zip = new MemoryStream();
        using (var archive = new ZipArchive(zip, ZipArchiveMode.Create, leaveOpen: true))
        {
            using (var types = archive.CreateEntry("[Content_Types].xml").Open())
            {
                types.Write("""<?xml version="1.0" encoding="UTF-8"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"><Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/><Override PartName="/word/document.xml" ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"/></Types>"""u8);
            }

            using (var rels = archive.CreateEntry("_rels/.rels").Open())
            {
                rels.Write("""<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="word/document.xml"/></Relationships>"""u8);
            }

            using var document = archive.CreateEntry("word/document.xml", CompressionLevel.SmallestSize).Open();
            writeDocument(document);
        }

        return zip.ToArray();
    }
}

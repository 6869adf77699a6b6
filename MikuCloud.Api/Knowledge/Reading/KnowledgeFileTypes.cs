using System.Text;
using MikuCloud.Api.Images;

namespace MikuCloud.Api.Knowledge;

/// <summary>
/// The file types a knowledge base takes, told apart by their bytes (a name and a declared type are the uploader's
/// word): PDF, Word (DOCX), JPEG, PNG, WebP and UTF-8 text; the name only tells Markdown from plain text.
/// </summary>
public static class KnowledgeFileTypes
{
    /// <summary>Plain UTF-8 text.</summary>
    public const string Text = "text/plain";

    /// <summary>Markdown (UTF-8 text named <c>.md</c> or <c>.markdown</c>).</summary>
    public const string Markdown = "text/markdown";

    /// <summary>PDF.</summary>
    public const string Pdf = "application/pdf";

    /// <summary>A Word document (Office Open XML).</summary>
    public const string Docx = "application/vnd.openxmlformats-officedocument.wordprocessingml.document";

    /// <summary>A JPEG picture.</summary>
    public const string Jpeg = "image/jpeg";

    /// <summary>A PNG picture.</summary>
    public const string Png = "image/png";

    /// <summary>A WebP picture.</summary>
    public const string WebP = "image/webp";

    /// <summary>How much of a file's start <see cref="Detect"/> wants (less works; text is judged on what it gets).</summary>
    public const int HeadLength = 8 * 1024;

    /// <summary>True for the picture types (read by the vision model as one page).</summary>
    public static bool IsPicture(string mediaType) => mediaType is Jpeg or Png or WebP;

    /// <summary>
    /// The media type of a file from its first bytes (<see cref="HeadLength"/> of them), or null when it is none of
    /// the supported types. A zip counts as DOCX when it looks like an Office package or is named <c>.docx</c>; the
    /// reader checks that it really holds a Word document.
    /// </summary>
    public static string? Detect(ReadOnlySpan<byte> head, string fileName)
    {
        if (head.StartsWith("%PDF-"u8))
        {
            return Pdf;
        }

        if (head.StartsWith("PK\x03\x04"u8))
        {
            var officeLike = head.IndexOf("[Content_Types].xml"u8) >= 0 || head.IndexOf("word/"u8) >= 0;
            return officeLike || HasExtension(fileName, ".docx") ? Docx : null;
        }

        switch (ImageSniffer.Detect(head))
        {
            case ImageFormatKind.Jpeg:
                return Jpeg;
            case ImageFormatKind.Png:
                return Png;
            case ImageFormatKind.WebP:
                return WebP;
            case ImageFormatKind.Gif:
                return null;
        }

        if (!LooksLikeText(head))
        {
            return null;
        }

        return HasExtension(fileName, ".md") || HasExtension(fileName, ".markdown") ? Markdown : Text;
    }

    private static bool HasExtension(string fileName, string extension) =>
        fileName.EndsWith(extension, StringComparison.OrdinalIgnoreCase);

    /// <summary>Valid UTF-8 without control bytes other than tab, newlines and form feed; a head may end inside a character.</summary>
    private static bool LooksLikeText(ReadOnlySpan<byte> head)
    {
        if (head.StartsWith("\xEF\xBB\xBF"u8))
        {
            head = head[3..];
        }

        foreach (var b in head)
        {
            if (b < 0x20 && b is not (byte)'\t' and not (byte)'\n' and not (byte)'\r' and not 0x0C)
            {
                return false;
            }
        }

        // A character cut off by the end of the head is fine; anything else invalid is not text.
        var status = System.Text.Unicode.Utf8.ToUtf16(head, new char[head.Length], out var read, out _, replaceInvalidSequences: false, isFinalBlock: false);
        return status is System.Buffers.OperationStatus.Done || (status == System.Buffers.OperationStatus.NeedMoreData && head.Length - read < 4);
    }

    /// <summary>Decodes a whole text file (UTF-8, a BOM allowed); null when it is not valid UTF-8.</summary>
    internal static string? DecodeText(ReadOnlySpan<byte> data)
    {
        try
        {
            return StrictUtf8.GetString(data.StartsWith("\xEF\xBB\xBF"u8) ? data[3..] : data);
        }
        catch (DecoderFallbackException)
        {
            return null;
        }
    }

    private static readonly UTF8Encoding StrictUtf8 = new(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: true);
}

using System.Text;

namespace MikuCloud.Api.Knowledge;

/// <summary>
/// Collects a Word document's blocks (paragraphs, tables) into pages. Only one kind of page break counts: Word's last
/// layout (<c>lastRenderedPageBreak</c>) when the file has one, since it already includes the hard breaks; else the hard
/// page breaks. A block cut by a break continues on the next page.
/// </summary>
internal sealed class DocxPageWriter(KnowledgeReadingOptions limits, bool useRenderedBreaks)
{
    private readonly List<DocumentPage> pages = [];
    private readonly StringBuilder page = new();
    private readonly StringBuilder block = new();
    private string prefix = "";

    public void StartBlock(string blockPrefix)
    {
        EndBlock();
        prefix = blockPrefix;
    }

    public void Append(string text)
    {
        block.Append(text);
        if (block.Length > limits.MaxPageChars)
        {
            throw PageText.TooMuchText(limits);
        }
    }

    /// <summary>One table row (a line of its own in the table's block).</summary>
    public void Row(string line) => Append(block.Length > 0 ? "\n" + line : line);

    public void RenderedPageBreak()
    {
        if (useRenderedBreaks)
        {
            NewPage();
        }
    }

    public void HardPageBreak()
    {
        if (!useRenderedBreaks)
        {
            NewPage();
        }
    }

    public void EndBlock()
    {
        var text = block.ToString().Trim();
        block.Clear();
        if (text.Length > 0)
        {
            if (page.Length > 0)
            {
                page.Append("\n\n");
            }

            page.Append(prefix).Append(PageText.NormaliseLineEnds(text));
            if (page.Length > limits.MaxPageChars)
            {
                throw PageText.TooMuchText(limits);
            }
        }

        prefix = "";
    }

    public IReadOnlyList<DocumentPage> Finish()
    {
        EndBlock();
        pages.Add(new DocumentPage(pages.Count + 1, page.ToString(), null));
        page.Clear();
        return pages;
    }

    private void NewPage()
    {
        // The part of the block before the break stays on this page and the rest continues without the block's prefix;
        // a break before any of its text (where Word puts it) moves the whole block, heading mark and all.
        if (!string.IsNullOrWhiteSpace(block.ToString()))
        {
            EndBlock();
        }

        pages.Add(new DocumentPage(pages.Count + 1, page.ToString(), null));
        page.Clear();
        if (pages.Count > limits.MaxPages)
        {
            throw new KnowledgeReadException(ProblemCodes.KnowledgeFileTooLarge,
                $"The Word document has more than {limits.MaxPages:N0} pages.");
        }
    }
}

namespace MikuCloud.Api.Knowledge;

/// <summary>A document read whole when opened (text, a picture, a Word document): its pages are already in memory.</summary>
internal sealed class ReadyPages(IReadOnlyList<DocumentPage> pages) : IDocumentPages
{
    public int PageCount => pages.Count;

    public DocumentPage Read(int number)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(number, 1);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(number, pages.Count);
        return pages[number - 1];
    }

    public void Dispose()
    {
        // Nothing held but the pages themselves.
    }
}

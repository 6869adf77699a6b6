namespace MikuCloud.Api.Knowledge;

/// <summary>
/// An opened document, page by page in any order: ingestion saves each page as it goes and, after a restart, resumes at
/// the first page it had not saved instead of reading the document again.
/// </summary>
public interface IDocumentPages : IDisposable
{
    /// <summary>Pages in the document (a text file or a picture is one page).</summary>
    int PageCount { get; }

    /// <summary>Reads page <paramref name="number"/> (1 to <see cref="PageCount"/>).</summary>
    /// <exception cref="KnowledgeReadException">The page cannot be read (damaged, or larger than allowed).</exception>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="number"/> is not a page of the document.</exception>
    DocumentPage Read(int number);
}

namespace MikuCloud.Web.Knowledge;

/// <summary>A page's text cut around the cited passage, so the dialog can mark it (as text: the parts are never HTML).</summary>
public sealed record PassageHighlight(string Before, string Passage, string After)
{
    private const int ProbeLength = 40;

    /// <summary>
    /// Finds <paramref name="snippet"/> in <paramref name="pageText"/>: whole, or (a snippet is often cut short with an
    /// ellipsis, or starts on the page before) by its first words and running on to the snippet's length. Not found:
    /// the whole page, nothing marked.
    /// </summary>
    public static PassageHighlight Find(string pageText, string? snippet)
    {
        ArgumentNullException.ThrowIfNull(pageText);
        var probe = (snippet ?? "").Trim().TrimEnd('…', '.').Trim();
        if (probe.Length == 0)
        {
            return new(pageText, "", "");
        }

        var length = probe.Length;
        var at = pageText.IndexOf(probe, StringComparison.Ordinal);
        if (at < 0 && probe.Length > ProbeLength)
        {
            at = pageText.IndexOf(probe[..ProbeLength], StringComparison.Ordinal);
        }

        if (at < 0)
        {
            return new(pageText, "", "");
        }

        var end = Math.Min(pageText.Length, at + length);
        return new(pageText[..at], pageText[at..end], pageText[end..]);
    }
}

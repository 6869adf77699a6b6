namespace MikuCloud.Api.Requests;

/// <summary>
/// How much of what a client sent an error may repeat: enough to recognise it, never enough to turn a request into a
/// larger answer (300 option names of 10,000 characters once came back as 6 MB).
/// </summary>
public static class Echo
{
    /// <summary>The longest echo of one sent value.</summary>
    public const int MaxLength = 40;

    /// <summary>At most <paramref name="length"/> characters of <paramref name="text"/>, with "…" when cut.</summary>
    public static string Cap(string text, int length = MaxLength)
    {
        ArgumentNullException.ThrowIfNull(text);
        if (text.Length <= length)
        {
            return text;
        }

        // Never cut a surrogate pair in half (the answer must stay valid UTF-8).
        var cut = char.IsHighSurrogate(text[length - 1]) ? length - 1 : length;
        return string.Concat(text.AsSpan(0, cut), "…");
    }
}

using System.Globalization;
using System.Text;
using JiebaNet.Segmenter;

namespace MikuCloud.Api.Knowledge;

/// <summary>
/// The one segmentation of the knowledge full-text index, for chunks and queries alike, on SQLite and PostgreSQL: text
/// normalised (NFKC, so full-width letters and digits match their ASCII forms; lower-cased), cut into words by jieba.NET
/// (search mode: a long Chinese word also yields the dictionary words inside it, so 知识库 matches 知识), and every token
/// kept to letters and digits, joined by single spaces. Both full-text engines then only split on spaces.
/// </summary>
/// <remarks>
/// jieba.NET (0.42, netstandard2.0, runs on .NET 10) over Lucene.Net's SmartCn: jieba is the segmenter the Chinese
/// ecosystem indexes with, its search mode suits recall, and it needs no Lucene analysis pipeline (SmartCn is a
/// prerelease package with Lucene's whole analysis stack). Its dictionaries ship in the package but are not copied to
/// the build; the API's project copies them to <c>jieba/</c> beside the assemblies and this class points jieba there.
/// </remarks>
public static class KnowledgeSegmenter
{
    /// <summary>The folder with jieba's dictionaries, beside the assemblies.</summary>
    public static readonly string DictionaryDirectory = Path.Combine(AppContext.BaseDirectory, "jieba");

    private static readonly Lazy<JiebaSegmenter> Segmenter = new(() =>
    {
        // jieba reads its dictionaries from a folder named in app settings, "Resources" relative to the working directory by default.
        ConfigManager.ConfigFileBaseDir = DictionaryDirectory;
        return new JiebaSegmenter();
    }, LazyThreadSafetyMode.ExecutionAndPublication);

    /// <summary>The tokens of <paramref name="text"/> as the index stores them: letters and digits only, lower-cased, space-separated.</summary>
    public static string Segment(string text) => string.Join(' ', Tokens(text));

    /// <summary>The tokens of <paramref name="text"/>, in order (repeated tokens kept: the ranking counts them).</summary>
    public static IEnumerable<string> Tokens(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        if (text.Length == 0)
        {
            return [];
        }

        var normal = text.Normalize(NormalizationForm.FormKC).ToLower(CultureInfo.InvariantCulture);
        return Segmenter.Value.CutForSearch(normal, hmm: true).SelectMany(Clean);
    }

    /// <summary>A token split at anything but letters, digits and combining marks (punctuation, symbols, spaces).</summary>
    private static IEnumerable<string> Clean(string token)
    {
        var word = new StringBuilder();
        foreach (var rune in token.EnumerateRunes())
        {
            if (Rune.IsLetterOrDigit(rune) || Rune.GetUnicodeCategory(rune) is UnicodeCategory.NonSpacingMark or UnicodeCategory.SpacingCombiningMark)
            {
                word.Append(rune.ToString());
            }
            else if (word.Length > 0)
            {
                yield return word.ToString();
                word.Clear();
            }
        }

        if (word.Length > 0)
        {
            yield return word.ToString();
        }
    }
}

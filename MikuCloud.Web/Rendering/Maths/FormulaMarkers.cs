using System.Buffers.Text;
using System.Security.Cryptography;
using System.Text;
using System.Text.RegularExpressions;

namespace MikuCloud.Web.Rendering.Maths;

/// <summary>
/// Where a formula goes in an answer's HTML. Markdig writes a marker (the formula's TeX, base64url, between private-use
/// characters and this process's random nonce); the answer's HTML is sanitised with the markers as plain text, then
/// each marker is replaced by its formula's HTML, which was sanitised on its own when first seen and cached
/// (<see cref="SafeFormulas"/>). Why: KaTeX writes kilobytes of spans and styles per formula, and sanitising them on
/// every render of a streaming answer (~16 a second) cost 10-40× the rest of the answer; this way each formula is
/// sanitised once. A forged marker can only produce what writing <c>$…$</c> produces: a rendered, sanitised formula.
/// </summary>
internal static partial class FormulaMarkers
{
    private const char Open = '\uE000';
    private const char Close = '\uE001';

    private static readonly string Nonce = Convert.ToHexString(RandomNumberGenerator.GetBytes(8));

    private static readonly Regex Marker = new($"{Open}{Nonce}([id])([A-Za-z0-9_-]*){Close}", RegexOptions.CultureInvariant, TimeSpan.FromSeconds(1));

    /// <summary>The marker for a formula (<paramref name="display"/>: a block, centred).</summary>
    public static string For(string tex, bool display) =>
        $"{Open}{Nonce}{(display ? 'd' : 'i')}{Base64Url.EncodeToString(Encoding.UTF8.GetBytes(tex))}{Close}";

    /// <summary><paramref name="html"/> with every marker replaced by <paramref name="formula"/>(tex, display).</summary>
    public static string Fill(string html, Func<string, bool, string> formula) =>
        html.Contains(Open, StringComparison.Ordinal)
            ? Marker.Replace(html, m => formula(Encoding.UTF8.GetString(Base64Url.DecodeFromChars(m.Groups[2].ValueSpan)), m.Groups[1].ValueSpan[0] == 'd'))
            : html;
}

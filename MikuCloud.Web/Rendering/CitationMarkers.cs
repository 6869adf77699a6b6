using System.Globalization;
using System.Text.RegularExpressions;
using AngleSharp.Dom;
using AngleSharp.Html.Parser;
using MikuCloud.Web.Localization;

namespace MikuCloud.Web.Rendering;

/// <summary>
/// Turns an answer's citation marks (<c>[1]</c>, <c>[1, 2]</c>, <c>【3】</c>) into chips, in HTML that is already
/// sanitised: the chips are built as DOM nodes (a passage's document name goes in through an attribute setter, so it is
/// escaped, never parsed), and marks inside code, links, formulas or for numbers the answer was not given stay text. A chip is
/// a <c>button.cite</c> whose <c>data-cite</c> a delegated listener in miku.js follows to the source under the answer.
/// </summary>
public static partial class CitationMarkers
{
    private static readonly HtmlParser Parser = new();

    /// <summary>The answer's HTML with chips for <paramref name="citations"/>; unchanged when there are none.</summary>
    public static string Apply(string safeHtml, IReadOnlyList<CitationDto> citations)
    {
        ArgumentNullException.ThrowIfNull(citations);
        if (citations.Count == 0 || string.IsNullOrEmpty(safeHtml) || !Mark().IsMatch(safeHtml))
        {
            return safeHtml;
        }

        var byNumber = citations.GroupBy(c => c.Number).ToDictionary(g => g.Key, g => g.First());
        var document = Parser.ParseDocument("");
        var body = document.Body!;
        body.InnerHtml = safeHtml;
        foreach (var text in TextNodes(body).ToList())
        {
            Replace(document, text, byNumber);
        }

        return body.InnerHtml;
    }

    private static IEnumerable<IText> TextNodes(INode node)
    {
        foreach (var child in node.ChildNodes)
        {
            if (child is IText text)
            {
                yield return text;
            }
            // Not in code, links, buttons or formulas (a KaTeX span, its MathML, or a formula still streaming in): an
            // index like x_{[1]} is maths, not a citation.
            else if (child is IElement { LocalName: not ("code" or "pre" or "a" or "button" or "math") } element
                     && !element.ClassList.Contains("katex") && !element.ClassList.Contains("math") && !element.ClassList.Contains("math-pending"))
            {
                foreach (var inner in TextNodes(element))
                {
                    yield return inner;
                }
            }
        }
    }

    private static void Replace(IDocument document, IText text, Dictionary<int, CitationDto> byNumber)
    {
        var value = text.Data;
        var pieces = new List<INode>();
        var at = 0;
        foreach (Match match in Mark().Matches(value))
        {
            var numbers = Numbers(match.Groups[1].Value);
            if (numbers.Count == 0 || !numbers.All(byNumber.ContainsKey))
            {
                continue; // "[2024]" or a number the answer was not given: the model's text, left alone
            }

            pieces.Add(document.CreateTextNode(value[at..match.Index]));
            foreach (var number in numbers)
            {
                pieces.Add(Chip(document, byNumber[number]));
            }

            at = match.Index + match.Length;
        }

        if (pieces.Count == 0)
        {
            return;
        }

        pieces.Add(document.CreateTextNode(value[at..]));
        var parent = text.Parent!;
        foreach (var piece in pieces)
        {
            parent.InsertBefore(piece, text);
        }

        parent.RemoveChild(text);
    }

    private static IElement Chip(IDocument document, CitationDto citation)
    {
        var number = citation.Number.ToString(CultureInfo.InvariantCulture);
        var chip = document.CreateElement("button");
        chip.SetAttribute("type", "button");
        chip.SetAttribute("class", "cite");
        chip.SetAttribute("data-cite", number);
        chip.SetAttribute("title", string.Format(CultureInfo.CurrentCulture, UiText.Get("citations.chip"), number, citation.DocumentName, citation.Page));
        chip.TextContent = number;
        return chip;
    }

    private static List<int> Numbers(string list) =>
        [.. Separator().Split(list).Select(n => int.TryParse(n, NumberStyles.None, CultureInfo.InvariantCulture, out var v) ? v : -1).Where(n => n > 0)];

    [GeneratedRegex(@"[\[【](\d{1,3}(?:\s*[,，、]\s*\d{1,3})*)[\]】]")]
    private static partial Regex Mark();

    [GeneratedRegex(@"\s*[,，、]\s*")]
    private static partial Regex Separator();
}

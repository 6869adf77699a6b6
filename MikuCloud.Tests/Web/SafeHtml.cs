using AngleSharp.Html.Parser;

namespace MikuCloud.Tests.Web;

/// <summary>Checks rendered HTML the way a browser would see it: as elements and attributes, not as text.</summary>
internal static class SafeHtml
{
    private static readonly string[] ForbiddenElements = ["script", "img", "iframe", "svg", "object", "embed", "style", "link", "meta", "form", "base"];

    public static void AssertSafe(string html)
    {
        var document = new HtmlParser().ParseDocument("<body>" + html + "</body>");
        foreach (var element in document.Body!.QuerySelectorAll("*"))
        {
            Assert.DoesNotContain(element.LocalName, ForbiddenElements);
            foreach (var attribute in element.Attributes)
            {
                Assert.False(attribute.Name.StartsWith("on", StringComparison.OrdinalIgnoreCase), $"event handler attribute {attribute.Name} on <{element.LocalName}>");
                if (attribute.Name is "href" or "src" or "action" or "formaction" or "xlink:href")
                {
                    var value = attribute.Value.Trim();
                    Assert.True(value.StartsWith("http://", StringComparison.OrdinalIgnoreCase) || value.StartsWith("https://", StringComparison.OrdinalIgnoreCase)
                                || value.StartsWith("mailto:", StringComparison.OrdinalIgnoreCase) || value.StartsWith('#'),
                        $"unsafe {attribute.Name}=\"{value}\" on <{element.LocalName}>");
                }
            }
        }
    }
}

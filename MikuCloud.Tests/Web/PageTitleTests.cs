using System.Net;
using AngleSharp.Html.Parser;
using MikuCloud.Tests.Security;

namespace MikuCloud.Tests.Web;

/// <summary>
/// The server-rendered account pages carry one <c>&lt;title&gt;</c>, their own: the browser's tab names the page
/// (issue 13, item 7). With a second, fixed title before it the tab always read "MikuCloud".
/// </summary>
public class PageTitleTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task The_setup_and_sign_in_pages_each_have_one_title_naming_the_page()
    {
        await using var stack = await SecurityStack.StartAsync();
        using var client = stack.AnonymousWebClient();
        client.DefaultRequestHeaders.AcceptLanguage.ParseAdd("zh-CN");

        // A fresh install: no admin yet, so /setup is the page to see.
        Assert.Equal(["欢迎使用 MikuCloud · MikuCloud"], await TitlesAsync(client, "/setup"));

        await stack.SetupAsync("admin", "admin-password-1");
        Assert.Equal(["登录 · MikuCloud"], await TitlesAsync(client, "/login"));
    }

    private static async Task<string[]> TitlesAsync(HttpClient client, string path)
    {
        using var response = await client.GetAsync(path, Ct);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var document = new HtmlParser().ParseDocument(await response.Content.ReadAsStringAsync(Ct));
        return [.. document.QuerySelectorAll("title").Select(t => t.TextContent)];
    }
}

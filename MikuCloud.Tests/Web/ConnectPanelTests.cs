using System.Text.Json.Nodes;
using Bunit;
using MikuCloud.Web.Components.Account;

namespace MikuCloud.Tests.Web;

/// <summary>The Account page's "connect your tools": the base URL, the model ids and copyable snippets that work as pasted.</summary>
public class ConnectPanelTests : WebComponentTest
{
    [Fact]
    public void The_panel_shows_the_base_url_the_model_ids_and_a_copy_button_for_each_snippet()
    {
        UseEnglish();
        var cut = Render<ConnectPanel>(p => p.Add(x => x.ApiUrl, "http://localhost:5123/").Add(x => x.ModelIds, ["miku-vl", "miku-vl:precise"]));

        Assert.Equal("http://localhost:5123/v1", cut.Find("[data-testid=connect-base-url]").TextContent);
        Assert.Equal(["miku-vl", "miku-vl:precise"], cut.FindAll("[data-testid=connect-models] code").Select(c => c.TextContent));
        Assert.Equal("Connect your tools", cut.Find("#connect-h").TextContent);
        foreach (var id in new[] { "python", "javascript", "dotnet", "curl", "mcp" })
        {
            var snippet = cut.Find($"[data-testid=connect-{id}]");
            var target = snippet.QuerySelector("button[data-copy-target]")!.GetAttribute("data-copy-target");
            Assert.Contains(id == "mcp" ? "http://localhost:5123/mcp" : "miku-vl", cut.Find($"#{target}").TextContent, StringComparison.Ordinal);
        }

        Assert.Empty(cut.FindAll("[data-testid=connect-placeholder]"));
    }

    [Fact]
    public void Without_a_configured_address_the_panel_says_to_replace_the_placeholder()
    {
        var cut = Render<ConnectPanel>(p => p.Add(x => x.ApiUrl, MikuCloud.Web.Api.PublicApiAddress.Placeholder).Add(x => x.IsConfigured, false));

        Assert.Contains("Api:PublicUrl", cut.Find("[data-testid=connect-placeholder]").TextContent, StringComparison.Ordinal);
        Assert.Contains("模型", cut.Find("[data-testid=connect-models]").TextContent, StringComparison.Ordinal); // "list unavailable", in Chinese
        Assert.Contains(ConnectPanel.DefaultModel, cut.Find("#connect-code-curl").TextContent, StringComparison.Ordinal);
    }

    [Fact]
    public void Every_snippet_targets_v1_with_the_model_and_reads_the_key_from_the_environment()
    {
        var snippets = ConnectSnippets.For("https://miku.example.com", "miku-vl:precise");

        Assert.All(snippets.Where(s => s.Id != "mcp"), s =>
        {
            Assert.Contains("https://miku.example.com/v1", s.Code, StringComparison.Ordinal);
            Assert.Contains("miku-vl:precise", s.Code, StringComparison.Ordinal);
            Assert.Contains(ConnectSnippets.KeyVariable, s.Code, StringComparison.Ordinal);
            Assert.DoesNotContain("mkc_", s.Code, StringComparison.Ordinal);
        });

        // The curl body and the MCP configuration are JSON a tool accepts as pasted.
        var curl = snippets.Single(s => s.Id == "curl").Code;
        var body = curl[(curl.IndexOf("-d '", StringComparison.Ordinal) + 4)..curl.LastIndexOf('\'')];
        Assert.Equal("miku-vl:precise", JsonNode.Parse(body)!["model"]!.GetValue<string>());
        var mcp = JsonNode.Parse(snippets.Single(s => s.Id == "mcp").Code)!;
        Assert.Equal("https://miku.example.com/mcp", mcp["servers"]!["mikucloud"]!["url"]!.GetValue<string>());
        Assert.Equal("http", mcp["servers"]!["mikucloud"]!["type"]!.GetValue<string>());
    }
}

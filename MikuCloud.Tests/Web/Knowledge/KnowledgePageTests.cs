using Bunit;
using Microsoft.AspNetCore.Components;
using Microsoft.AspNetCore.Components.Forms;
using Microsoft.Extensions.DependencyInjection;
using KnowledgePage = MikuCloud.Web.Components.Pages.KnowledgeBases;

namespace MikuCloud.Tests.Web.Knowledge;

/// <summary>The Knowledge page: bases (create, rename, share, delete) and one base's documents, uploaded and followed live.</summary>
public sealed class KnowledgePageTests : WebComponentTest
{
    private KnowledgeBaseDto Manuals(bool shared = false, bool mine = true) =>
        AddBase(FakeMikuKnowledgeApi.Base("产品手册", shared, mine, documents: 2, ready: 1));

    private KnowledgeBaseDto AddBase(KnowledgeBaseDto b)
    {
        KnowledgeApi.Bases.Add(b);
        return b;
    }

    private IRenderedComponent<KnowledgePage> Open(Guid id) => Render<KnowledgePage>(p => p.Add(x => x.BaseId, id));

    [Fact]
    public void The_bases_are_listed_with_how_many_documents_are_ready_and_shared_ones_say_so()
    {
        Manuals();
        AddBase(FakeMikuKnowledgeApi.Base("公司制度", shared: true, mine: false, documents: 3, ready: 3));

        var page = Render<KnowledgePage>();

        var rows = page.FindAll("nav.knowledge-list li a");
        Assert.Equal(["产品手册", "公司制度"], rows.Select(r => r.QuerySelector(".name")!.TextContent));
        Assert.Contains("1/2 个文档可用", rows[0].TextContent, StringComparison.Ordinal);
        Assert.Null(rows[0].QuerySelector(".badge.shared"));
        Assert.Equal("共享", rows[1].QuerySelector(".badge.shared")!.TextContent);
        Assert.Contains("选择一个知识库", page.Find("[data-testid=knowledge-intro]").TextContent, StringComparison.Ordinal);
    }

    [Fact]
    public void A_new_base_is_created_from_its_name_put_first_and_opened()
    {
        Manuals();
        var page = Render<KnowledgePage>();

        page.Find("[data-testid=knowledge-new-name]").Input("  研究论文  ");
        page.Find("form.new-base").Submit();

        Assert.Equal(["create 研究论文"], KnowledgeApi.Calls);
        var created = KnowledgeApi.Bases[0];
        Assert.EndsWith($"/knowledge/{created.Id}", Services.GetRequiredService<NavigationManager>().Uri);
        Assert.Equal("研究论文", page.FindAll("nav.knowledge-list li .name")[0].TextContent);
        Assert.Equal("", page.Find("[data-testid=knowledge-new-name]").GetAttribute("value") ?? "");
    }

    [Fact]
    public void A_base_shows_its_documents_and_their_progress_follows_the_event_stream()
    {
        var b = Manuals();
        var report = FakeMikuKnowledgeApi.Document(b.Id, "年报.pdf", KnowledgeDocumentStatus.Reading, pageCount: 200, pagesDone: 12);
        KnowledgeApi.Documents[b.Id] = [report, FakeMikuKnowledgeApi.Document(b.Id, "说明.docx", KnowledgeDocumentStatus.Ready, pageCount: 3, pagesDone: 3, chunks: 9)];
        var page = Open(b.Id);
        var row = page.Find($"tr[data-document-id='{report.Id}']");
        Assert.Equal("读取中", row.QuerySelector("[data-testid=knowledge-document-status]")!.TextContent);
        Assert.Equal("12", row.QuerySelector("progress")!.GetAttribute("value"));

        page.WaitForState(() => KnowledgeApi.Events.ContainsKey(b.Id));
        KnowledgeApi.Events[b.Id].Writer.TryWrite(report with { PagesDone = 150, PagesByVision = 7 });
        page.WaitForAssertion(() => Assert.Contains("150/200 页 · 7 页由视觉模型识别", page.Find($"tr[data-document-id='{report.Id}'] .pages").TextContent,
            StringComparison.Ordinal));

        KnowledgeApi.Events[b.Id].Writer.TryWrite(report with { Status = KnowledgeDocumentStatus.Ready, PagesDone = 200, Chunks = 640 });
        page.WaitForAssertion(() => Assert.Equal("可用", page.Find($"tr[data-document-id='{report.Id}'] [data-testid=knowledge-document-status]").TextContent));
        Assert.Empty(page.FindAll($"tr[data-document-id='{report.Id}'] progress"));
        // The base's counts follow its documents, in the header and in the list beside it.
        Assert.Contains("2/2 个文档可用，649 个段落", page.Find(".base .counts").TextContent, StringComparison.Ordinal);
        Assert.Contains("2/2 个文档可用", page.Find($"a[data-base-id='{b.Id}']").TextContent, StringComparison.Ordinal);
    }

    [Fact]
    public void Uploaded_files_go_one_by_one_whole_and_a_refused_one_says_why_without_stopping_the_others()
    {
        var b = Manuals();
        KnowledgeApi.Refuse["setup.exe"] = ProblemCodes.KnowledgeUnsupportedType;
        var page = Open(b.Id);
        var big = Enumerable.Repeat((byte)7, 900_000).ToArray();

        page.FindComponent<InputFile>().UploadFiles(
            InputFileContent.CreateFromBinary(big, "扫描件.pdf"),
            InputFileContent.CreateFromBinary([1, 2, 3], "setup.exe"),
            InputFileContent.CreateFromText("# 标题\n正文", "笔记.md"));

        page.WaitForAssertion(() => Assert.Equal(["add 扫描件.pdf", "add setup.exe", "add 笔记.md"], KnowledgeApi.Calls));
        Assert.Equal(big, KnowledgeApi.Received["扫描件.pdf"]); // past InputFile's 512 KB default, whole
        page.WaitForAssertion(() => Assert.Equal("refused", page.Find("li[data-file='setup.exe']").GetAttribute("data-status")));
        Assert.Equal(ProblemCodes.KnowledgeUnsupportedType, page.Find("li[data-file='setup.exe'] .why").GetAttribute("data-code"));
        Assert.Equal("added", page.Find("li[data-file='笔记.md']").GetAttribute("data-status"));
        // The added documents show at once, queued, before their first event.
        Assert.Equal(["扫描件.pdf", "笔记.md"], page.FindAll("table.documents tbody tr .name").Select(n => n.TextContent));
        Assert.All(page.FindAll("table.documents [data-testid=knowledge-document-status]"), s => Assert.Equal("排队中", s.TextContent));
    }

    [Fact]
    public void A_failed_document_shows_its_error_and_can_be_read_again_or_deleted()
    {
        var b = Manuals();
        var broken = FakeMikuKnowledgeApi.Document(b.Id, "坏了.pdf", KnowledgeDocumentStatus.Failed,
            error: new ErrorDto(ProblemCodes.KnowledgeFileCorrupt, "The PDF is truncated."));
        var fine = FakeMikuKnowledgeApi.Document(b.Id, "好的.pdf", KnowledgeDocumentStatus.Ready, chunks: 4);
        KnowledgeApi.Documents[b.Id] = [broken, fine];
        var page = Open(b.Id);
        Assert.Equal("The PDF is truncated.", page.Find($"tr[data-document-id='{broken.Id}'] .error").TextContent);

        page.Find($"tr[data-document-id='{broken.Id}'] [data-testid=knowledge-reindex]").Click();
        Assert.Equal("排队中", page.Find($"tr[data-document-id='{broken.Id}'] [data-testid=knowledge-document-status]").TextContent);
        Assert.Empty(page.FindAll($"tr[data-document-id='{broken.Id}'] .error"));

        page.Find($"tr[data-document-id='{fine.Id}'] [data-testid=knowledge-document-delete]").Click();
        Assert.Equal(["reindex 坏了.pdf", "delete 好的.pdf"], KnowledgeApi.Calls);
        Assert.Empty(page.FindAll($"tr[data-document-id='{fine.Id}']"));
    }

    [Fact]
    public void Someone_elses_shared_base_is_read_only()
    {
        var b = Manuals(shared: true, mine: false);
        KnowledgeApi.Documents[b.Id] = [FakeMikuKnowledgeApi.Document(b.Id, "制度.pdf", KnowledgeDocumentStatus.Ready)];
        var page = Open(b.Id);

        Assert.Equal("共享知识库：只能阅读。", page.Find(".read-only").TextContent);
        Assert.Equal("共享", page.Find("[data-testid=knowledge-shared-badge]").TextContent);
        Assert.Empty(page.FindAll("input[type=file]"));
        Assert.Empty(page.FindAll("[data-testid=knowledge-rename], [data-testid=knowledge-delete], [data-testid=knowledge-reindex], [data-testid=knowledge-document-delete]"));
    }

    [Fact]
    public void Only_an_admin_can_share_a_base_and_the_badge_follows_the_switch()
    {
        var b = Manuals();
        SignIn();
        var page = Open(b.Id);
        Assert.Empty(page.FindAll("[data-testid=knowledge-share]"));
        page.Dispose();

        SignIn(role: Roles.Admin);
        page = Open(b.Id);
        page.Find("[data-testid=knowledge-share]").Change(true);

        Assert.True(KnowledgeApi.Updates.Single().Shared);
        Assert.Equal("共享", page.Find("[data-testid=knowledge-shared-badge]").TextContent);
        Assert.NotNull(page.Find($"a[data-base-id='{b.Id}'] .badge.shared"));
    }

    [Fact]
    public void A_base_is_renamed_in_place_and_deleting_it_returns_to_the_list()
    {
        var b = Manuals();
        var page = Open(b.Id);

        page.Find("[data-testid=knowledge-rename]").Click();
        page.Find("[data-testid=knowledge-rename-input]").Change("产品手册 2027");
        page.Find("form.rename").Submit();
        Assert.Equal("产品手册 2027", page.Find("#base-heading").TextContent);
        Assert.Equal("产品手册 2027", page.Find($"a[data-base-id='{b.Id}'] .name").TextContent);

        page.Find("[data-testid=knowledge-delete]").Click();
        page.Find("[data-testid=knowledge-delete-yes]").Click();
        page.WaitForAssertion(() => Assert.EndsWith("/knowledge", Services.GetRequiredService<NavigationManager>().Uri));
        Assert.Contains("delete-base", KnowledgeApi.Calls);
        Assert.Empty(page.FindAll($"a[data-base-id='{b.Id}']"));
    }

    [Fact]
    public void An_unknown_base_and_an_unreachable_api_are_said_in_words()
    {
        var page = Open(Guid.NewGuid());
        Assert.Contains("这个知识库不存在", page.Find(".base, [role=alert]").TextContent, StringComparison.Ordinal);
        page.Dispose();

        KnowledgeApi.Unreachable = true;
        page = Render<KnowledgePage>();
        Assert.Equal("无法加载知识库，请稍后再试。", page.Find("nav.knowledge-list .notice.error").TextContent);
    }

    [Fact]
    public void The_page_reads_in_english_too()
    {
        UseEnglish();
        var b = Manuals();
        KnowledgeApi.Documents[b.Id] = [FakeMikuKnowledgeApi.Document(b.Id, "report.pdf", KnowledgeDocumentStatus.Indexing, pageCount: 10, pagesDone: 10)];
        var page = Open(b.Id);

        Assert.Equal("Knowledge bases", page.Find("h1").TextContent);
        Assert.Equal("Indexing", page.Find("[data-testid=knowledge-document-status]").TextContent);
        Assert.Contains("page 10 of 10", page.Find(".pages").TextContent, StringComparison.Ordinal);
        Assert.Contains("Upload documents", page.Find("[data-testid=knowledge-pick]").TextContent, StringComparison.Ordinal);
    }
}

using System.Threading.Channels;
using Bunit;
using Microsoft.AspNetCore.Components;
using Microsoft.AspNetCore.Components.Forms;
using Microsoft.Extensions.DependencyInjection;
using MikuCloud.Web.Api;
using BatchesPage = MikuCloud.Web.Components.Pages.Batches;

namespace MikuCloud.Tests.Web.Batches;

/// <summary>The Batches page: the new-batch form (files, prompt, preset, schema) and one batch followed live.</summary>
public sealed class BatchesPageTests : WebComponentTest
{
    private readonly FakeMikuBatchApi batches = new();

    public BatchesPageTests()
    {
        Services.AddSingleton<IMikuBatchApi>(batches);
        Api.Presets = Presets;
    }

    private static byte[] Bytes(int count, byte value) => Enumerable.Repeat(value, count).ToArray();

    [Fact]
    public void Creating_a_batch_streams_each_file_to_the_api_then_starts_it_and_opens_it()
    {
        var page = Render<BatchesPage>();
        page.FindComponent<InputFile>().UploadFiles(
            InputFileContent.CreateFromBinary(Bytes(70_000, 1), "长城.jpg"),
            InputFileContent.CreateFromBinary(Bytes(600_000, 2), "photos.zip"));
        Assert.Contains("已选择 2 个文件", page.Find("[data-testid=batch-picked]").TextContent, StringComparison.Ordinal);

        page.Find("#batch-prompt").Change("详细描述图片中的物体");
        page.Find("#batch-preset").Change("vision");
        page.Find("#batch-schema").Change("""{ "type": "object", "properties": { "label": { "type": "string" } } }""");
        page.Find("form").Submit();

        page.WaitForAssertion(() => Assert.EndsWith($"/batches/{batches.Batches.Keys.Single()}", Services.GetRequiredService<NavigationManager>().Uri));
        Assert.Equal(["create", "add 长城.jpg", "add photos.zip", "start"], batches.Calls);
        Assert.Equal(new NewBatchRequest("详细描述图片中的物体", "vision", """{"type":"object","properties":{"label":{"type":"string"}}}"""), batches.Created.Single());
        Assert.Equal(Bytes(600_000, 2), batches.Received["photos.zip"]); // past InputFile's 512 KB default, whole
        Assert.Equal(BatchStatus.Queued, batches.Batches.Values.Single().Status);
    }

    [Fact]
    public void Files_that_cannot_be_items_are_listed_with_the_reason_and_an_empty_draft_is_deleted()
    {
        batches.Refuse["notes.txt"] = ProblemCodes.ImageUnsupportedFormat;
        var page = Render<BatchesPage>();
        page.FindComponent<InputFile>().UploadFiles(InputFileContent.CreateFromText("hello", "notes.txt"));
        page.Find("#batch-prompt").Change("描述");

        page.Find("form").Submit();

        page.WaitForAssertion(() => Assert.Contains("没有一个文件能成为任务项", page.Find(".new-batch > .notice.error").TextContent, StringComparison.Ordinal));
        Assert.Equal(["create", "add notes.txt", "delete"], batches.Calls);
        var row = page.Find("li[data-file='notes.txt']");
        Assert.Equal("refused", row.GetAttribute("data-status"));
        Assert.Equal(ProblemCodes.ImageUnsupportedFormat, row.QuerySelector(".why")!.GetAttribute("data-code"));
        Assert.EndsWith("/", Services.GetRequiredService<NavigationManager>().Uri); // stayed on the form
    }

    [Fact]
    public void A_schema_that_is_not_json_is_explained_next_to_the_field_and_nothing_is_sent()
    {
        var page = Render<BatchesPage>();

        page.Find("form").Submit();
        Assert.Equal("请输入提示词：每张图片都会用它来回答。", page.Find("#batch-prompt + .field-error").TextContent);
        Assert.Contains("请先选择要处理的图片", page.Find(".drop + .field-error").TextContent, StringComparison.Ordinal);

        page.FindComponent<InputFile>().UploadFiles(InputFileContent.CreateFromBinary(Bytes(10, 1), "a.jpg"));
        page.Find("#batch-prompt").Change("描述");
        page.Find("#batch-schema").Change("{\n  \"type\": object\n}");
        page.Find("form").Submit();
        Assert.Equal("JSON Schema 不是有效的 JSON（第 2 行，第 11 个字符附近）。", page.Find("[data-testid=schema-error]").TextContent);

        page.Find("#batch-schema").Change("[1, 2]");
        page.Find("form").Submit();
        Assert.Contains("必须是一个对象", page.Find("[data-testid=schema-error]").TextContent, StringComparison.Ordinal);
        Assert.Empty(batches.Calls);
    }

    [Fact]
    public void Each_file_shows_what_became_of_it_and_the_overall_bar_ends_full()
    {
        batches.Refuse["notes.txt"] = ProblemCodes.ImageUnsupportedFormat;
        var page = Render<BatchesPage>();
        page.FindComponent<InputFile>().UploadFiles(
            InputFileContent.CreateFromBinary(Bytes(200_000, 1), "a.jpg"), InputFileContent.CreateFromText("hello", "notes.txt"));
        page.Find("#batch-prompt").Change("描述");

        page.Find("form").Submit();

        page.WaitForAssertion(() => Assert.Contains("start", batches.Calls));
        Assert.Equal("100", page.Find("[data-testid=upload-overall]").GetAttribute("value"));
        Assert.Equal("added", page.Find("li[data-file='a.jpg']").GetAttribute("data-status"));
        Assert.Equal("已添加 1 项", page.Find("li[data-file='a.jpg'] .state").TextContent);
        Assert.Equal("refused", page.Find("li[data-file='notes.txt']").GetAttribute("data-status"));
    }

    [Fact]
    public async Task A_batch_shows_live_progress_rate_eta_and_results_from_the_event_stream()
    {
        var id = Guid.NewGuid();
        batches.Batches[id] = FakeMikuBatchApi.Batch(id, BatchStatus.Running, total: 4, running: 1);
        var items = Enumerable.Range(0, 4).Select(i => FakeMikuBatchApi.Item(i, BatchItemStatus.Queued)).ToList();
        batches.Items[id] = items;
        var events = batches.Events[id] = Channel.CreateUnbounded<BatchEvent>();

        var page = Render<BatchesPage>(p => p.Add(x => x.BatchId, id));
        Assert.Equal("0", page.Find("[data-testid=batch-progress]").GetAttribute("data-done"));

        await events.Writer.WriteAsync(new BatchItemFinished(items[0] with { Status = BatchItemStatus.Completed, Answer = "一只猫, 坐在\"窗台\"上" }), Ct);
        await events.Writer.WriteAsync(new BatchProgressed(FakeMikuBatchApi.Batch(id, BatchStatus.Running, 4, completed: 1, running: 1, rate: 2.5, eta: 1.2)), Ct);

        page.WaitForAssertion(() => Assert.Equal("1", page.Find("[data-testid=batch-progress]").GetAttribute("data-done")));
        Assert.Equal("2.5 张/秒", page.Find("[data-count=rate]").TextContent);
        Assert.Equal("2 秒", page.Find("[data-count=eta]").TextContent);
        Assert.Equal("width: 25%", page.Find(".progress .completed").GetAttribute("style"));
        var first = page.Find($"tr[data-item-id='{items[0].Id}']");
        Assert.Equal("一只猫, 坐在\"窗台\"上", first.QuerySelector(".answer")!.TextContent.Trim());
        Assert.Equal($"batches/{id}/items/{items[0].Id}/thumbnail", first.QuerySelector("img")!.GetAttribute("src"));
        Assert.NotNull(page.Find("[data-testid=batch-cancel]"));

        await events.Writer.WriteAsync(new BatchFinished(FakeMikuBatchApi.Batch(id, BatchStatus.Completed, 4, completed: 3, failed: 1)), Ct);

        page.WaitForAssertion(() => Assert.Equal("已完成", page.Find("[data-testid=batch-status]").TextContent));
        Assert.Empty(page.FindAll("[data-testid=batch-cancel]"));
        Assert.Equal("–", page.Find("[data-count=eta]").TextContent);
        Assert.Equal($"batches/{id}/results?format=jsonl", page.Find("[data-testid=download-jsonl]").GetAttribute("href"));
        Assert.Equal($"batches/{id}/results?format=csv", page.Find("[data-testid=download-csv]").GetAttribute("href"));
        // The list follows (the page re-renders its list after the batch view has rendered, so wait for it too).
        page.WaitForAssertion(() => Assert.Equal("4 / 4", page.Find($"a[data-batch-id='{id}'] .meta").TextContent.Split(' ', 2)[1].Trim()));
    }

    [Fact]
    public void Failed_items_can_be_retried_one_by_one_or_together_and_a_batch_deleted_after_asking()
    {
        var id = Guid.NewGuid();
        batches.Batches[id] = FakeMikuBatchApi.Batch(id, BatchStatus.Completed, total: 3, completed: 1, failed: 2);
        var error = new ErrorDto(ProblemCodes.ModelError, "模型服务出错了");
        var items = new List<BatchItemDto>
        {
            FakeMikuBatchApi.Item(0, BatchItemStatus.Completed, "好"),
            FakeMikuBatchApi.Item(1, BatchItemStatus.Failed, error: error),
            FakeMikuBatchApi.Item(2, BatchItemStatus.Failed, error: error),
        };
        batches.Items[id] = items;
        batches.Events[id] = Channel.CreateUnbounded<BatchEvent>();
        UseEnglish();
        var page = Render<BatchesPage>(p => p.Add(x => x.BatchId, id));
        Assert.Equal("模型服务出错了", page.Find($"tr[data-item-id='{items[1].Id}'] .error").TextContent);
        Assert.Equal(2, page.FindAll("[data-testid=item-retry]").Count);

        page.Find($"tr[data-item-id='{items[1].Id}'] [data-testid=item-retry]").Click();
        page.WaitForAssertion(() => Assert.Equal("Queued", page.Find($"tr[data-item-id='{items[1].Id}'] .status").TextContent.Trim()));
        Assert.Equal($"retry {items[1].Id}", batches.Calls.Last());

        batches.Batches[id] = FakeMikuBatchApi.Batch(id, BatchStatus.Completed, total: 3, completed: 2, failed: 1);
        page.Render(); // (the item's answer would arrive on the stream; the batch is finished again for the next button)
        batches.Events[id].Writer.TryWrite(new BatchFinished(batches.Batches[id]));
        page.WaitForAssertion(() => Assert.Equal("Retry 1 failed", page.Find("[data-testid=batch-retry-failed]").TextContent));
        page.Find("[data-testid=batch-retry-failed]").Click();
        page.WaitForAssertion(() => Assert.Equal("retry-failed", batches.Calls.Last()));

        page.Find("[data-testid=batch-delete]").Click();
        Assert.DoesNotContain("delete", batches.Calls); // asks first
        page.Find("[data-testid=batch-delete-yes]").Click();
        page.WaitForAssertion(() => Assert.EndsWith("/batches", Services.GetRequiredService<NavigationManager>().Uri));
        Assert.Equal("delete", batches.Calls.Last());
    }

    [Fact]
    public void An_unknown_batch_says_so_and_the_page_speaks_english_when_asked()
    {
        UseEnglish();

        var page = Render<BatchesPage>(p => p.Add(x => x.BatchId, Guid.NewGuid()));

        Assert.Equal("This batch does not exist (it may have been deleted).", page.Find("[role=alert]").TextContent);
        Assert.Equal("Batch jobs: many images, one prompt", page.Find("h1").TextContent);
        Assert.Equal("No batches yet.", page.Find(".batch-list .notice").TextContent);
    }

    private static CancellationToken Ct => Xunit.TestContext.Current.CancellationToken;
}

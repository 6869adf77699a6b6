extern alias bench;

using bench::MikuCloud.Bench;

namespace MikuCloud.Tests.Bench;

/// <summary>
/// Runs every benchmark of bench/MikuCloud.Bench with a handful of samples, so the harness keeps working as the code
/// changes. Asserts that each item ran without failures (errors, 5xx, crashes), never on timings.
/// </summary>
[Collection(nameof(Images.SerialPerformance))]
public sealed class BenchmarkSmokeTests(ITestOutputHelper output)
{
    // Admission starts the API as a child process, as a full run does; the others keep it in-process (faster).
    private static BenchOptions Smoke(string item) => new()
    {
        Scale = BenchScale.Smoke,
        Items = [item],
        ApiHost = item == "admission" ? ApiHostMode.Process : ApiHostMode.InProcess,
    };

    [Theory]
    [InlineData("gateway", "## 1. Gateway overhead")]
    [InlineData("browser", "## 2. Browser-perceived time to first token")]
    [InlineData("image", "## 3. Image pipeline")]
    [InlineData("history", "## 4. Long histories")]
    [InlineData("admission", "## 5. Admission under overload")]
    [InlineData("auth", "## 6. Authentication cost")]
    [InlineData("bodies", "## 7. Refused bodies")]
    [InlineData("batch", "## 8. Batch jobs")]
    [InlineData("usage", "## 9. Usage analytics")]
    [InlineData("knowledge", "## 10. Knowledge retrieval")]
    [InlineData("resume", "## 11. Resumable answers")]
    [InlineData("routing", "## 12. Routing across Ollama replicas")]
    public async Task Each_benchmark_runs_briefly_and_reports(string item, string heading)
    {
        var log = new StringWriter();
        var report = await BenchRunner.RunAsync(Smoke(item), log, TestContext.Current.CancellationToken);
        output.WriteLine(log.ToString());
        output.WriteLine(report.Markdown);

        Assert.Contains(heading, report.Markdown, StringComparison.Ordinal);
        Assert.Contains("| item | metric | target | result |", report.Markdown, StringComparison.Ordinal);
        Assert.Equal(0, report.Failures);
        if (item == "gateway")
        {
            // The OpenAI-compatible door's time to first token, in the same table as the chat API's and the direct one.
            Assert.Contains("| OpenAI-compatible (`POST /v1/chat/completions`) | 3 |", report.Markdown, StringComparison.Ordinal);
        }
        if (item == "browser" && File.Exists(MikuCloud.Tests.Browser.BrowserFixture.ChromiumPath))
        {
            // The Web leg must really run: a Web that needs sign-in (or lost its chat page) would otherwise pass as "not measured".
            Assert.Contains("Chromium through the Web", report.Markdown, StringComparison.Ordinal);
        }
    }

    [Fact]
    public void Options_parse_the_documented_flags()
    {
        var quick = BenchOptions.Parse(["--quick", "--only", "image,history", "--no-write", "--api-host", "inproc"]);
        Assert.Equal(BenchScale.Quick, quick.Scale);
        Assert.Equal(["image", "history"], quick.Items);
        Assert.Null(quick.OutputPath);
        Assert.Equal(ApiHostMode.InProcess, quick.ApiHost);
        Assert.Throws<ArgumentException>(() => BenchOptions.Parse(["--only", "everything"]));
    }
}

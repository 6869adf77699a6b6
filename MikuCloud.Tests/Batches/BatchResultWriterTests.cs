using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Threading.Channels;
using MikuCloud.Api.Batches;

namespace MikuCloud.Tests.Batches;

/// <summary>Batch results as JSON Lines and as CSV: the same records come back, spreadsheets open them safely, and
/// each record is flushed as it is written.</summary>
public sealed class BatchResultWriterTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private static readonly DateTime Done = new(2026, 12, 6, 10, 30, 15, 123, DateTimeKind.Utc);

    private static readonly BatchResultRecord[] Records =
    [
        new(0, "photos.zip/长城.jpg", BatchItemStatus.Completed, "图片中有一座长城，远处是山。\n第二行, with a comma and \"quotes\".",
            new JsonObject { ["objects"] = new JsonArray("长城", "山"), ["count"] = 2, ["note"] = "a \"b\", c" },
            null, 812, 64, 412.5, 1530.25, Done),
        new(1, "bad, name \"x\".png", BatchItemStatus.Failed, null, null, new ErrorDto(ProblemCodes.ImageCorrupt, "The image could not be decoded.\r\nResend it."),
            null, null, null, null, Done.AddSeconds(2)),
        new(2, "queued.jpg", BatchItemStatus.Queued, null, null, null, null, null, null, null, null),
        new(3, "=cmd.jpg", BatchItemStatus.Completed, "=HYPERLINK(\"http://evil.example\",\"click\")", null, null, 10, 3, 1, 2, Done),
    ];

    [Fact]
    public async Task Json_lines_are_one_compact_camel_case_object_per_line_that_read_back_to_the_records()
    {
        using var output = new MemoryStream();

        await BatchResultWriter.WriteJsonLinesAsync(Records.ToAsyncEnumerable(), output, Ct);

        var text = Encoding.UTF8.GetString(output.ToArray());
        Assert.EndsWith("\n", text);
        var lines = text[..^1].Split('\n');
        Assert.Equal(Records.Length, lines.Length);
        for (var i = 0; i < lines.Length; i++)
        {
            var back = JsonSerializer.Deserialize<BatchResultRecord>(lines[i], ApiJson.Options)!;
            Assert.Equal(Records[i] with { Json = null }, back with { Json = null });
            Assert.True(JsonNode.DeepEquals(Records[i].Json, back.Json), $"json of line {i}");
        }

        var first = JsonNode.Parse(lines[0])!.AsObject();
        Assert.Equal(["index", "file", "status", "answer", "json", "error", "inputTokens", "outputTokens", "timeToFirstTokenMs", "totalMs", "completedAt"],
            first.Select(p => p.Key));
        Assert.Equal(JsonValueKind.Object, first["json"]!.GetValueKind()); // nested, not a string
        Assert.DoesNotContain(": ", lines[1]); // compact
        Assert.Contains("\"file\":\"photos.zip/长城.jpg\"", lines[0]); // readable, not \uXXXX
        Assert.Equal(ProblemCodes.ImageCorrupt, JsonNode.Parse(lines[1])!["error"]!["code"]!.GetValue<string>());
    }

    [Fact]
    public async Task Csv_reads_back_to_the_same_cells_with_chinese_text_commas_quotes_and_line_breaks()
    {
        using var output = new MemoryStream();

        await BatchResultWriter.WriteCsvAsync(Records.Take(3).ToAsyncEnumerable(), output, Ct);

        var bytes = output.ToArray();
        Assert.Equal([0xEF, 0xBB, 0xBF], bytes[..3]); // the BOM that makes Excel read UTF-8
        var rows = Rfc4180.Parse(new UTF8Encoding(false).GetString(bytes[3..]));
        Assert.Equal(BatchResultWriter.CsvColumns, rows[0]);
        Assert.Equal(
        [
            "0", "photos.zip/长城.jpg", "completed", "图片中有一座长城，远处是山。\n第二行, with a comma and \"quotes\".",
            "(json)", "", "", "812", "64", "412.5", "1530.25", "2026-12-06T10:30:15.1230000Z",
        ], rows[1].Select((cell, i) => i == 4 ? "(json)" : cell));
        Assert.True(JsonNode.DeepEquals(Records[0].Json, JsonNode.Parse(rows[1][4])), rows[1][4]); // compact JSON text
        Assert.StartsWith("""{"objects":["长城","山"],"count":2,""", rows[1][4]);
        Assert.Equal(
        [
            "1", "bad, name \"x\".png", "failed", "", "", "image_corrupt", "The image could not be decoded.\r\nResend it.",
            "", "", "", "", "2026-12-06T10:30:17.1230000Z",
        ], rows[2]);
        Assert.Equal(["2", "queued.jpg", "queued", "", "", "", "", "", "", "", "", ""], rows[3]);
        Assert.Equal(4, rows.Count);
    }

    [Fact]
    public async Task Csv_cells_a_spreadsheet_would_run_as_formulas_start_with_a_quote()
    {
        BatchResultRecord Answer(int index, string answer) => new(index, $"{index}.jpg", BatchItemStatus.Completed, answer, null, null, 5, 7, null, null, null);
        using var output = new MemoryStream();

        await BatchResultWriter.WriteCsvAsync(
            new[] { Records[3], Answer(4, "+SUM(A1:A9)"), Answer(5, "-2+3"), Answer(6, "@cmd"), Answer(7, "\t=1"), Answer(8, "a = b, not a formula") }.ToAsyncEnumerable(),
            output, Ct);

        var rows = Rfc4180.Parse(Encoding.UTF8.GetString(output.ToArray()).TrimStart('\uFEFF'));
        Assert.Equal("'=cmd.jpg", rows[1][1]);
        Assert.Equal("'=HYPERLINK(\"http://evil.example\",\"click\")", rows[1][3]);
        Assert.Equal(["'+SUM(A1:A9)", "'-2+3", "'@cmd", "'\t=1", "a = b, not a formula"], rows.Skip(2).Select(r => r[3]));
        Assert.All(rows.Skip(1), r => Assert.DoesNotContain("'", r[7] + r[8])); // numbers are left alone
    }

    [Theory]
    [InlineData("jsonl")]
    [InlineData("csv")]
    public async Task Each_record_is_flushed_as_it_is_written_so_a_download_streams(string format)
    {
        var channel = Channel.CreateUnbounded<BatchResultRecord>();
        using var output = new MemoryStream();
        var writing = format == "csv"
            ? BatchResultWriter.WriteCsvAsync(channel.Reader.ReadAllAsync(Ct), output, Ct)
            : BatchResultWriter.WriteJsonLinesAsync(channel.Reader.ReadAllAsync(Ct), output, Ct);

        await channel.Writer.WriteAsync(Records[0], Ct);
        await WaitUntil(() => Encoding.UTF8.GetString(output.ToArray()).Contains("长城.jpg"));
        var partial = Encoding.UTF8.GetString(output.ToArray());
        Assert.DoesNotContain("bad, name", partial); // the second record has not been produced yet
        await channel.Writer.WriteAsync(Records[1], Ct);
        channel.Writer.Complete();
        await writing;

        Assert.Contains("bad, name", Encoding.UTF8.GetString(output.ToArray()));
        Assert.True(writing.IsCompletedSuccessfully);
    }

    [Fact]
    public async Task An_empty_batch_writes_no_lines_and_a_csv_with_only_its_header()
    {
        using var jsonl = new MemoryStream();
        using var csv = new MemoryStream();

        await BatchResultWriter.WriteJsonLinesAsync(AsyncEnumerable.Empty<BatchResultRecord>(), jsonl, Ct);
        await BatchResultWriter.WriteCsvAsync(AsyncEnumerable.Empty<BatchResultRecord>(), csv, Ct);

        Assert.Equal(0, jsonl.Length);
        Assert.Equal([BatchResultWriter.CsvColumns.ToList()], Rfc4180.Parse(Encoding.UTF8.GetString(csv.ToArray()).TrimStart('\uFEFF')));
    }

    private static async Task WaitUntil(Func<bool> condition)
    {
        for (var i = 0; i < 500 && !condition(); i++)
        {
            await Task.Delay(10, Ct);
        }

        Assert.True(condition(), "timed out");
    }
}

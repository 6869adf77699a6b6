using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Unicode;
using CsvHelper;

namespace MikuCloud.Api.Batches;

/// <summary>
/// Writes a batch's results (<c>GET /api/batches/{id}/results</c>) as JSON Lines or CSV, one record at a time and
/// flushed after each, so a download starts at once and keeps pace with a batch that is still running.
/// </summary>
public static class BatchResultWriter
{
    /// <summary>The JSON Lines media type (one compact JSON object per line).</summary>
    public const string JsonLinesMediaType = "application/jsonl";

    /// <summary>The CSV media type (RFC 4180, UTF-8).</summary>
    public const string CsvMediaType = "text/csv";

    /// <summary>The CSV columns, in order: the record's JSON names, the error split into its code and message.</summary>
    public static IReadOnlyList<string> CsvColumns { get; } =
    [
        "index", "file", "status", "answer", "json", "errorCode", "errorMessage",
        "inputTokens", "outputTokens", "timeToFirstTokenMs", "totalMs", "completedAt",
    ];

    // The API's JSON, but with Chinese (any letter) written as itself rather than \uXXXX: these files are read by people
    // and grep as often as by programs. HTML-sensitive characters (< > & ' ") are still escaped.
    private static readonly JsonSerializerOptions Json = new(ApiJson.Options) { Encoder = JavaScriptEncoder.Create(UnicodeRanges.All) };

    private static readonly ReadOnlyMemory<byte> LineFeed = "\n"u8.ToArray();

    /// <summary>Writes each record as one compact camelCase JSON object (<see cref="ApiJson"/>, letters unescaped) and a line feed.</summary>
    public static async Task WriteJsonLinesAsync(IAsyncEnumerable<BatchResultRecord> records, Stream output, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(records);
        ArgumentNullException.ThrowIfNull(output);
        await foreach (var record in records.WithCancellation(cancellationToken))
        {
            await JsonSerializer.SerializeAsync(output, record, Json, cancellationToken);
            await output.WriteAsync(LineFeed, cancellationToken);
            await output.FlushAsync(cancellationToken);
        }
    }

    /// <summary>
    /// Writes a header row of <see cref="CsvColumns"/> and one row per record: RFC 4180 quoting, UTF-8 with a BOM,
    /// <c>json</c> as compact JSON text, numbers and times in invariant form (ISO 8601), formula cells escaped.
    /// </summary>
    public static async Task WriteCsvAsync(IAsyncEnumerable<BatchResultRecord> records, Stream output, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(records);
        ArgumentNullException.ThrowIfNull(output);
        await using var csv = CsvWriter.Create(output, Requests.SpreadsheetCsv.Options, leaveOpen: true);
        foreach (var column in CsvColumns)
        {
            csv.WriteField(column);
        }

        await csv.EndRecordAsync(cancellationToken);
        await csv.FlushAsync(cancellationToken);
        await foreach (var record in records.WithCancellation(cancellationToken))
        {
            WriteRow(csv, record);
            await csv.EndRecordAsync(cancellationToken);
            await csv.FlushAsync(cancellationToken);
        }
    }

    private static void WriteRow(CsvWriter csv, BatchResultRecord r)
    {
        csv.WriteField(r.Index, "");
        csv.WriteField(r.File);
        csv.WriteField(r.Status);
        csv.WriteField(r.Answer);
        csv.WriteField(r.Json?.ToJsonString(Json));
        csv.WriteField(r.Error?.Code);
        csv.WriteField(r.Error?.Message);
        csv.WriteField(r.InputTokens, "");
        csv.WriteField(r.OutputTokens, "");
        csv.WriteField(r.TimeToFirstTokenMs, "");
        csv.WriteField(r.TotalMs, "");
        csv.WriteField(r.CompletedAt, ""); // ISO 8601 round-trip, as stored (UTC), like the JSON
    }
}

using System.Globalization;
using CsvHelper;

namespace MikuCloud.Api.Usage;

/// <summary>Writes a usage report's grouped table as CSV (<c>GET /api/admin/usage.csv</c>), for spreadsheets.</summary>
public static class UsageCsv
{
    /// <summary>The columns, in order.</summary>
    public static IReadOnlyList<string> Columns { get; } =
    [
        "key", "name", "answers", "inputTokens", "outputTokens", "images", "failures",
        "timeToFirstTokenP50Ms", "timeToFirstTokenP95Ms", "timeToFirstTokenP99Ms",
    ];

    /// <summary>A header of <see cref="Columns"/>, then one row per group, most answers first.</summary>
    public static async Task WriteAsync(UsageReport report, Stream output, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(report);
        ArgumentNullException.ThrowIfNull(output);
        await using var csv = CsvWriter.Create(output, Requests.SpreadsheetCsv.Options, leaveOpen: true);
        foreach (var column in Columns)
        {
            csv.WriteField(column);
        }

        await csv.EndRecordAsync(cancellationToken);
        foreach (var row in report.Rows)
        {
            csv.WriteField(row.Key);
            csv.WriteField(row.Name);
            csv.WriteField(row.Answers, "");
            csv.WriteField(row.InputTokens, "");
            csv.WriteField(row.OutputTokens, "");
            csv.WriteField(row.Images, "");
            csv.WriteField(row.Failures, "");
            csv.WriteField(row.TimeToFirstTokenP50Ms, "");
            csv.WriteField(row.TimeToFirstTokenP95Ms, "");
            csv.WriteField(row.TimeToFirstTokenP99Ms, "");
            await csv.EndRecordAsync(cancellationToken);
        }

        await csv.FlushAsync(cancellationToken);
    }

    /// <summary>The download's file name, e.g. <c>usage-by-user-20261101T00-20261201T00.csv</c>.</summary>
    public static string FileName(UsageReport report)
    {
        ArgumentNullException.ThrowIfNull(report);
        return string.Create(CultureInfo.InvariantCulture, $"usage-by-{report.By}-{report.From:yyyyMMdd'T'HH}-{report.To:yyyyMMdd'T'HH}.csv");
    }
}

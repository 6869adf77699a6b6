using System.Globalization;
using System.Text;
using System.Text.Json;
using MikuCloud.Contracts;

namespace MikuCloud.Cli.Batches;

/// <summary>
/// Appends the files the API refused at upload to the downloaded results, as records with status <c>refused</c> and
/// their error (numbered after the batch's items): the results file then accounts for every file the run was given.
/// </summary>
public static class RefusedResults
{
    /// <summary>The status of a refused file's record (never an item status).</summary>
    public const string Status = "refused";

    /// <summary>Appends one record per refused file to the results at <paramref name="path"/> in <paramref name="format"/>.</summary>
    public static void Append(string path, string format, int firstIndex, IReadOnlyList<RefusedFile> refused)
    {
        ArgumentNullException.ThrowIfNull(refused);
        if (refused.Count == 0)
        {
            return;
        }

        var records = refused.Select((r, i) => new BatchResultRecord(firstIndex + i, r.File, Status, null, null, new ErrorDto(r.Code, r.Message),
            null, null, null, null, null)).ToList();
        var lines = format == "csv" ? CsvRows(File.ReadLines(path).FirstOrDefault() ?? "", records)
            : records.Select(r => JsonSerializer.Serialize(r, ApiJson.Options));
        var text = new StringBuilder();
        var endsWithNewline = new FileInfo(path).Length == 0 || EndsWithNewline(path);
        if (!endsWithNewline)
        {
            text.Append('\n');
        }

        foreach (var line in lines)
        {
            text.Append(line).Append('\n'); // as the API ends its lines
        }

        File.AppendAllText(path, text.ToString());
    }

    private static IEnumerable<string> CsvRows(string header, IEnumerable<BatchResultRecord> records)
    {
        // By the downloaded header's column names, so a column the API adds later stays empty rather than shifted.
        var columns = header.Split(',');
        foreach (var record in records)
        {
            yield return string.Join(',', columns.Select(column => Quote(column switch
            {
                "index" => record.Index.ToString(CultureInfo.InvariantCulture),
                "file" => record.File,
                "status" => record.Status,
                "error_code" => record.Error?.Code,
                "error_message" => record.Error?.Message,
                _ => null,
            })));
        }
    }

    private static string Quote(string? value) =>
        value is null ? "" : value.AsSpan().IndexOfAny(",\"\r\n") >= 0 ? $"\"{value.Replace("\"", "\"\"", StringComparison.Ordinal)}\"" : value;

    private static bool EndsWithNewline(string path)
    {
        using var file = File.OpenRead(path);
        file.Seek(-1, SeekOrigin.End);
        return file.ReadByte() == '\n';
    }
}

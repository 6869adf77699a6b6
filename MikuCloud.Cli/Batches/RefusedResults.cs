using System.Globalization;
using System.Text.Json;
using CsvHelper;
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

    private static readonly CsvWriterOptions CsvOptions = CsvWriterOptions.Default with
    {
        Injection = CsvInjection.Escape,
        InjectionEscape = '\'',
        FormatProvider = CultureInfo.InvariantCulture,
    };

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
        var complete = new FileInfo(path).Length == 0 || EndsWithNewline(path);
        var header = format == "csv" ? File.ReadLines(path).FirstOrDefault() ?? "" : "";
        using var output = new FileStream(path, FileMode.Append);
        if (format == "csv")
        {
            AppendCsv(output, header, records, complete);
            return;
        }

        if (!complete)
        {
            output.WriteByte((byte)'\n');
        }

        foreach (var record in records)
        {
            JsonSerializer.Serialize(output, record, ApiJson.Options);
            output.WriteByte((byte)'\n');
        }
    }

    private static void AppendCsv(Stream output, string header, IEnumerable<BatchResultRecord> records, bool complete)
    {
        // As the API writes its rows (RFC 4180, CRLF, formula-like cells escaped with '), column by the downloaded
        // header's names, so a column the API adds later stays empty rather than shifting the others.
        using var csv = CsvWriter.Create(output, CsvOptions, leaveOpen: true);
        if (!complete)
        {
            csv.EndRecord();
        }

        var columns = header.Split(',');
        foreach (var record in records)
        {
            foreach (var column in columns)
            {
                csv.WriteField(column switch
                {
                    "index" => record.Index.ToString(CultureInfo.InvariantCulture),
                    "file" => record.File,
                    "status" => record.Status,
                    "errorCode" or "error_code" => record.Error?.Code,
                    "errorMessage" or "error_message" => record.Error?.Message,
                    _ => null,
                });
            }

            csv.EndRecord();
        }
    }

    private static bool EndsWithNewline(string path)
    {
        using var file = File.OpenRead(path);
        file.Seek(-1, SeekOrigin.End);
        return file.ReadByte() == '\n';
    }
}

using System.Globalization;
using System.Text;

namespace MikuCloud.Api.Batches;

/// <summary>A <see cref="BatchResultRecord"/> as one RFC 4180 CSV row (quoted where needed; <c>json</c> as its text).</summary>
public static class BatchCsv
{
    public const string Header = "index,file,status,answer,json,error_code,error_message,input_tokens,output_tokens,time_to_first_token_ms,total_ms,completed_at";

    public static string Row(BatchResultRecord record)
    {
        ArgumentNullException.ThrowIfNull(record);
        var fields = new[]
        {
            record.Index.ToString(CultureInfo.InvariantCulture), record.File, record.Status, record.Answer, record.Json?.ToJsonString(),
            record.Error?.Code, record.Error?.Message, Number(record.InputTokens), Number(record.OutputTokens), Number(record.TimeToFirstTokenMs),
            Number(record.TotalMs), record.CompletedAt?.ToString("O", CultureInfo.InvariantCulture),
        };
        var line = new StringBuilder();
        for (var i = 0; i < fields.Length; i++)
        {
            if (i > 0)
            {
                line.Append(',');
            }

            line.Append(Quote(fields[i]));
        }

        return line.ToString();
    }

    private static string? Number(double? value) => value?.ToString(CultureInfo.InvariantCulture);

    private static string Quote(string? value) =>
        value is null ? "" : value.AsSpan().IndexOfAny(",\"\r\n") >= 0 ? $"\"{value.Replace("\"", "\"\"", StringComparison.Ordinal)}\"" : value;
}

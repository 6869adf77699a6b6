using System.Text;
using System.Text.Json;
using Microsoft.Extensions.Options;

namespace MikuCloud.Api.Batches;

/// <summary>
/// <c>GET /api/batches/{id}/results</c>: one record per item in index order, streamed from the database a page at a
/// time as JSON Lines or CSV, downloadable while the batch runs (unfinished items appear with their status).
/// </summary>
public sealed class BatchResultsResult(Guid batchId, string batchName, string format) : IResult
{
    /// <inheritdoc />
    public async Task ExecuteAsync(HttpContext httpContext)
    {
        ArgumentNullException.ThrowIfNull(httpContext);
        var services = httpContext.RequestServices;
        var json = services.GetRequiredService<IOptions<Microsoft.AspNetCore.Http.Json.JsonOptions>>().Value.SerializerOptions;
        var store = services.GetRequiredService<BatchStore>();
        var response = httpContext.Response;
        var csv = format == "csv";
        response.ContentType = csv ? "text/csv; charset=utf-8" : "application/x-ndjson; charset=utf-8";
        var fileName = $"{SafeName(batchName)}-results.{format}";
        response.Headers.ContentDisposition = new System.Net.Mime.ContentDisposition { FileName = fileName, DispositionType = "attachment" }.ToString();
        var gone = httpContext.RequestAborted;
        var writer = new StreamWriter(response.Body, new UTF8Encoding(csv), 64 * 1024);
        await using (writer)
        {
            if (csv)
            {
                await writer.WriteLineAsync(BatchCsv.Header.AsMemory(), gone);
            }

            await foreach (var row in store.AllItemsAsync(batchId, gone))
            {
                var record = BatchMapping.ToResult(row);
                await writer.WriteLineAsync((csv ? BatchCsv.Row(record) : JsonSerializer.Serialize(record, json)).AsMemory(), gone);
            }
        }
    }

    private static string SafeName(string name)
    {
        var safe = new string(name.Select(c => char.IsLetterOrDigit(c) || c is '-' or '_' ? c : '-').ToArray()).Trim('-');
        return safe.Length == 0 ? "batch" : safe[..Math.Min(safe.Length, 80)];
    }
}

using System.Runtime.CompilerServices;

namespace MikuCloud.Api.Batches;

/// <summary>
/// <c>GET /api/batches/{id}/results</c>: one record per item in index order, streamed from the database a page at a
/// time through <see cref="BatchResultWriter"/> as JSON Lines or CSV, downloadable while the batch runs (unfinished
/// items appear with their status), as an attachment named after the batch.
/// </summary>
public sealed class BatchResultsResult(Guid batchId, string batchName, string format) : IResult
{
    /// <inheritdoc />
    public async Task ExecuteAsync(HttpContext httpContext)
    {
        ArgumentNullException.ThrowIfNull(httpContext);
        var store = httpContext.RequestServices.GetRequiredService<BatchStore>();
        var response = httpContext.Response;
        var csv = format == "csv";
        response.ContentType = (csv ? BatchResultWriter.CsvMediaType : BatchResultWriter.JsonLinesMediaType) + "; charset=utf-8";
        var fileName = $"{SafeName(batchName)}-results.{format}";
        response.Headers.ContentDisposition = new System.Net.Mime.ContentDisposition { FileName = fileName, DispositionType = "attachment" }.ToString();
        var gone = httpContext.RequestAborted;
        var records = RecordsAsync(store, batchId, gone);
        await (csv ? BatchResultWriter.WriteCsvAsync(records, response.Body, gone) : BatchResultWriter.WriteJsonLinesAsync(records, response.Body, gone));
    }

    private static async IAsyncEnumerable<BatchResultRecord> RecordsAsync(BatchStore store, Guid batchId, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        await foreach (var row in store.AllItemsAsync(batchId, cancellationToken))
        {
            yield return BatchMapping.ToResult(row);
        }
    }

    /// <summary>Letters, digits, <c>-</c> and <c>_</c> of the batch's name (a header value must stay plain).</summary>
    private static string SafeName(string name)
    {
        var safe = new string(name.Select(c => char.IsAsciiLetterOrDigit(c) || c is '-' or '_' ? c : '-').ToArray()).Trim('-');
        return safe.Length == 0 ? "batch" : safe[..Math.Min(safe.Length, 80)];
    }
}

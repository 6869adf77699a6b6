using System.Diagnostics;
using System.Net;
using MikuCloud.Web.Api;
using MikuCloud.Web.Chat;
using MikuCloud.Web.Localization;

namespace MikuCloud.Web.Batches;

/// <summary>
/// Creates a batch from the form and its picked files: a draft first, then each file streamed to the API on its own
/// request (so each has its own progress and its own refusals, and a failed file fails alone), then the start. Raises
/// <see cref="Changed"/> as bytes go out (at most every 100 ms) and as each file finishes.
/// </summary>
public sealed class BatchUploadRun(IMikuBatchApi api, UiText text)
{
    /// <summary>Largest file the browser is allowed to send: the API's zip limit (images have a lower one, checked there).</summary>
    public const long MaxFileBytes = 512L * 1024 * 1024;

    private static readonly long NotifyEveryTicks = Stopwatch.Frequency / 10;
    private long lastNotified;

    public event Action? Changed;

    public IReadOnlyList<FileUpload> Files { get; private set; } = [];

    public bool Running { get; private set; }

    /// <summary>Why the batch could not be created or started, in the user's words; null when it was.</summary>
    public string? Error { get; private set; }

    public long TotalBytes => Files.Sum(f => f.Size);

    /// <summary>0–100 over all files, by bytes.</summary>
    public int Percent => TotalBytes <= 0 ? 0 : (int)Math.Min(100, Files.Sum(f => f.Status is FileUploadStatus.Sending ? f.Sent : f.Status is FileUploadStatus.Waiting ? 0 : f.Size) * 100 / TotalBytes);

    /// <summary>Runs the whole creation; answers the started batch's id, or null (then <see cref="Error"/> says why).</summary>
    public async Task<Guid?> RunAsync(BatchDraft draft, IReadOnlyList<BatchFileSource> files, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(draft);
        ArgumentNullException.ThrowIfNull(files);
        Files = files.Select(f => new FileUpload(f.Name, f.Size)).ToList();
        (Running, Error) = (true, null);
        Notify();
        try
        {
            var batch = await api.CreateDraftAsync(draft.ToRequest(), cancellationToken);
            var stopped = false;
            for (var i = 0; i < files.Count && !stopped; i++)
            {
                stopped = !await SendAsync(batch.Id, files[i], Files[i], cancellationToken);
            }

            if (Files.Sum(f => f.Added) == 0)
            {
                await api.DeleteAsync(batch.Id, cancellationToken); // an empty draft is of no use to anyone
                Error = text["batches.upload.nothingAdded"];
                return null;
            }

            await api.StartAsync(batch.Id, cancellationToken);
            return batch.Id;
        }
        catch (Exception ex) when (ApiFailure.IsTransport(ex) && !cancellationToken.IsCancellationRequested)
        {
            Error = Explain(ex);
            return null;
        }
        finally
        {
            Running = false;
            Notify();
        }
    }

    /// <summary>Sends one file; false when the rest should not be tried (a quota is spent).</summary>
    private async Task<bool> SendAsync(Guid batchId, BatchFileSource source, FileUpload upload, CancellationToken cancellationToken)
    {
        if (source.Size > MaxFileBytes)
        {
            Fail(upload, text.Format("batches.upload.tooLarge", MaxFileBytes / (1024 * 1024)));
            return true;
        }

        upload.Status = FileUploadStatus.Sending;
        Notify();
        try
        {
            await using var content = new ProgressStream(source.Open(cancellationToken), sent =>
            {
                upload.Sent = sent;
                NotifyThrottled();
            });
            var answer = await api.AddFileAsync(batchId, source.Name, content, cancellationToken);
            (upload.Added, upload.Refused) = (answer.Added.Count, answer.Refused);
            upload.Status = answer.Added.Count > 0 ? FileUploadStatus.Added : FileUploadStatus.Refused;
            if (answer.Added.Count == 0 && answer.Refused.Count == 0)
            {
                // Taken but nothing in it: a zip with no images (or none at all), said rather than left blank.
                upload.Error = text["batches.upload.noImages"];
            }
            return true;
        }
        catch (ApiException ex) when (ex.Status == HttpStatusCode.TooManyRequests)
        {
            Fail(upload, Explain(ex));
            return false;
        }
        catch (Exception ex) when (ex is IOException || ApiFailure.IsTransport(ex) && !cancellationToken.IsCancellationRequested)
        {
            Fail(upload, ex is IOException ? text["batches.upload.readFailed"] : Explain(ex));
            return ex is not HttpRequestException; // the API is gone: the other files would fail the same way
        }
        finally
        {
            Notify();
        }
    }

    private static void Fail(FileUpload upload, string message) => (upload.Status, upload.Error) = (FileUploadStatus.Failed, message);

    private string Explain(Exception ex) => ex switch
    {
        ApiException { Status: HttpStatusCode.RequestEntityTooLarge } => text["batches.upload.bodyTooLarge"],
        ApiException { Status: HttpStatusCode.TooManyRequests } e => text.Format("batches.upload.quota", e.Problem?.Detail ?? ""),
        ApiException { Problem.Detail: { Length: > 0 } detail } => detail,
        _ => text["batches.upload.unreachable"],
    };

    private void NotifyThrottled()
    {
        var now = Stopwatch.GetTimestamp();
        if (now - lastNotified >= NotifyEveryTicks)
        {
            Notify();
        }
    }

    private void Notify()
    {
        lastNotified = Stopwatch.GetTimestamp();
        Changed?.Invoke();
    }
}

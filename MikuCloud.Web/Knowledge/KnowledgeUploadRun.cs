using System.Diagnostics;
using System.Net;
using MikuCloud.Web.Api;
using MikuCloud.Web.Batches;
using MikuCloud.Web.Chat;
using MikuCloud.Web.Localization;

namespace MikuCloud.Web.Knowledge;

/// <summary>
/// Sends picked files into a knowledge base, each streamed on its own request (so each has its own progress and its own
/// refusal, and a refused file never stops the others — only a spent quota or an unreachable API does). Raises
/// <see cref="Changed"/> as bytes go out (at most every 100 ms) and as each file finishes; added documents go to
/// <paramref name="added"/> at once, so they show before their first progress event.
/// </summary>
public sealed class KnowledgeUploadRun(IMikuKnowledgeApi api, UiText text, Action<IReadOnlyList<KnowledgeDocumentDto>> added)
{
    /// <summary>Largest file the browser is allowed to send (the API's own limit, possibly lower, is checked there).</summary>
    public const long MaxFileBytes = 256L * 1024 * 1024;

    /// <summary>Most files one pick may hold.</summary>
    public const int MaxFiles = 100;

    /// <summary>What the file picker offers: the types the API reads.</summary>
    public const string Accept = ".pdf,.docx,.txt,.md,.markdown,image/png,image/jpeg,image/webp";

    private static readonly long NotifyEveryTicks = Stopwatch.Frequency / 10;
    private long lastNotified;

    public event Action? Changed;

    public List<KnowledgeUpload> Files { get; } = [];

    public bool Running { get; private set; }

    /// <summary>Sends <paramref name="files"/> one after another (more can be picked while they go: they queue behind).</summary>
    public async Task RunAsync(Guid baseId, IReadOnlyList<BatchFileSource> files, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(files);
        var uploads = files.Select(f => new KnowledgeUpload(f.Name, f.Size)).ToList();
        Files.RemoveAll(f => f.Status is not (FileUploadStatus.Waiting or FileUploadStatus.Sending)); // the last pick's outcome goes
        Files.AddRange(uploads);
        Running = true;
        Notify();
        try
        {
            var stopped = false;
            for (var i = 0; i < files.Count; i++)
            {
                if (stopped)
                {
                    Fail(uploads[i], text["knowledge.upload.notSent"]);
                    continue;
                }

                stopped = !await SendAsync(baseId, files[i], uploads[i], cancellationToken);
            }
        }
        finally
        {
            Running = Files.Any(f => f.Status is FileUploadStatus.Waiting or FileUploadStatus.Sending);
            Notify();
        }
    }

    /// <summary>Sends one file; false when the rest should not be tried (a quota is spent, or the API is gone).</summary>
    private async Task<bool> SendAsync(Guid baseId, BatchFileSource source, KnowledgeUpload upload, CancellationToken cancellationToken)
    {
        if (source.Size > MaxFileBytes)
        {
            Fail(upload, text.Format("knowledge.upload.tooLarge", MaxFileBytes / (1024 * 1024)));
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
            var answer = await api.AddDocumentAsync(baseId, source.Name, content, cancellationToken);
            if (answer.Added.Count > 0)
            {
                upload.Status = FileUploadStatus.Added;
                added(answer.Added);
            }
            else
            {
                upload.Status = FileUploadStatus.Refused;
                (upload.Code, upload.Error) = answer.Refused.Count > 0 ? (answer.Refused[0].Code, answer.Refused[0].Message) : (null, text["knowledge.upload.refused"]);
            }

            return true;
        }
        catch (ApiException ex) when (ex.Status is HttpStatusCode.TooManyRequests or HttpStatusCode.NotFound)
        {
            Fail(upload, Explain(ex), ex.Problem?.Code);
            return false;
        }
        catch (Exception ex) when (ex is IOException || ApiFailure.IsTransport(ex) && !cancellationToken.IsCancellationRequested)
        {
            Fail(upload, ex is IOException ? text["knowledge.upload.readFailed"] : Explain(ex), (ex as ApiException)?.Problem?.Code);
            return ex is not HttpRequestException; // the API is gone: the other files would fail the same way
        }
        finally
        {
            Notify();
        }
    }

    private static void Fail(KnowledgeUpload upload, string message, string? code = null) =>
        (upload.Status, upload.Error, upload.Code) = (FileUploadStatus.Failed, message, code);

    private string Explain(Exception ex) => ex switch
    {
        ApiException { Status: HttpStatusCode.RequestEntityTooLarge } => text["knowledge.upload.bodyTooLarge"],
        ApiException { Problem.Detail: { Length: > 0 } detail } => detail,
        ApiException => text["knowledge.upload.refused"],
        _ => text["knowledge.upload.unreachable"],
    };

    private void NotifyThrottled()
    {
        if (Stopwatch.GetTimestamp() - lastNotified >= NotifyEveryTicks)
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

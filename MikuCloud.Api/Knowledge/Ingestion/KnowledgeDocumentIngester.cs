using System.Diagnostics;
using MikuCloud.Api.Data;

namespace MikuCloud.Api.Knowledge;

/// <summary>
/// Ingests one claimed document: opens it (<see cref="DocumentReaders"/>), reads its pages from the first one not yet
/// saved (a page without text through <see cref="KnowledgePageVision"/>), saving each page with the progress, then
/// chunks every page's text (<see cref="KnowledgeChunker"/>) and indexes the chunks (<see cref="KnowledgeIndexWriter"/>).
/// A file that cannot be read fails with its code; a lost claim (deleted, taken over) stops without writing.
/// Cancellation (this process stopping) propagates: the worker gives the document back, its saved pages stay.
/// </summary>
public sealed class KnowledgeDocumentIngester(ChatDbContext db, KnowledgeIngestionQueue queue, DocumentReaders readers, KnowledgeChunker chunker,
    KnowledgeIndexWriter index, KnowledgePageVision vision, KnowledgeSignals signals, KnowledgeIngestionTelemetry telemetry)
{
    /// <summary>Claims of one document after which it fails instead of being tried again (each one ended with its worker gone).</summary>
    public const int MaxAttempts = 3;

    /// <summary>Reads, chunks and indexes <paramref name="document"/> for <paramref name="worker"/>; its end is written to the queue.</summary>
    public async Task RunAsync(KnowledgeDocument document, string worker, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(document);
        using var activity = KnowledgeIngestionTelemetry.StartIngest(document);
        if (document.Attempts > MaxAttempts)
        {
            await FailAsync(document, worker, ProblemCodes.ServerRestarted, $"Reading was tried {MaxAttempts} times and each time its worker stopped.");
            return;
        }

        try
        {
            if (!await ReadPagesAsync(document, worker, cancellationToken) || !await queue.MarkAsync(document.Id, worker, KnowledgeDocumentStatus.Indexing, cancellationToken))
            {
                return; // the claim is gone: whoever took it writes its state
            }

            signals.Pulse();
            var pages = await queue.PagesAsync(document.Id, cancellationToken);
            var chunks = chunker.Chunk(pages.Select(p => new DocumentPage(p.Number, p.Text, null)).ToList());
            await index.WriteAsync(db, document, chunks, cancellationToken);
            if (await queue.FinishAsync(document.Id, worker, chunks.Count, null, null, CancellationToken.None))
            {
                telemetry.Finished(null);
                signals.Pulse();
            }

            activity?.SetTag("mikucloud.document.chunks", chunks.Count);
        }
        catch (KnowledgeReadException e)
        {
            activity?.SetStatus(ActivityStatusCode.Error, e.Code);
            await FailAsync(document, worker, e.Code, e.Message);
        }
    }

    /// <summary>Reads and saves the pages not yet saved; false when the claim was lost on the way.</summary>
    private async Task<bool> ReadPagesAsync(KnowledgeDocument document, string worker, CancellationToken cancellationToken)
    {
        using var pages = readers.Open(document.Data, document.MediaType);
        if (!await queue.SetPageCountAsync(document.Id, worker, pages.PageCount, cancellationToken))
        {
            return false;
        }

        var picture = KnowledgeFileTypes.IsPicture(document.MediaType);
        for (var number = document.PagesDone + 1; number <= pages.PageCount; number++)
        {
            var started = Stopwatch.GetTimestamp();
            var page = pages.Read(number);
            var saved = new KnowledgePage { DocumentId = document.Id, Number = number, Source = KnowledgePageSource.Text, Text = page.Text };
            if (page.Text.Length == 0 && page.ImageForVision is { } image)
            {
                var (text, sent) = await vision.ReadAsync(document.OwnerId, image, picture, cancellationToken);
                (saved.Source, saved.Text, saved.Image) = (picture ? KnowledgePageSource.Picture : KnowledgePageSource.Ocr, text, sent);
            }

            if (!await queue.SavePageAsync(worker, saved, cancellationToken))
            {
                return false;
            }

            telemetry.PageRead(saved.Source, Stopwatch.GetElapsedTime(started));
            signals.Pulse();
        }

        return true;
    }

    /// <summary>Fails the document with <paramref name="code"/> and a sentence (never its content) if the claim is still held.</summary>
    public async Task FailAsync(KnowledgeDocument document, string worker, string code, string message)
    {
        if (await queue.FinishAsync(document.Id, worker, 0, code, message.Length > 2_000 ? message[..2_000] : message, CancellationToken.None))
        {
            telemetry.Finished(code);
            signals.Pulse();
        }
    }
}

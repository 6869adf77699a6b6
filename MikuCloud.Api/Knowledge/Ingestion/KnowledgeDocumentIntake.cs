using System.Globalization;
using System.Security.Cryptography;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using MikuCloud.Api.Batches;
using MikuCloud.Api.Data;

namespace MikuCloud.Api.Knowledge;

/// <summary>
/// Turns the files of one upload into queued documents of one base, or refusals with a code: a type the readers do not
/// know, too large, the same file again, or past a quota (documents per base, bytes per user). A refused file never
/// stops the others (the multipart reader skips what is left of it); each accepted one is saved at once, so a large upload is never held whole. Knows nothing of HTTP.
/// </summary>
/// <remarks>One instance reads one upload: register it scoped.</remarks>
public sealed class KnowledgeDocumentIntake(ChatDbContext db, KnowledgeSignals signals, IOptions<KnowledgeOptions> options, TimeProvider time)
{
    private readonly KnowledgeOptions limits = options.Value;
    private readonly HashSet<string> hashes = new(StringComparer.Ordinal);
    private KnowledgeBase? target;
    private int documents, files;
    private long storedBytes;

    /// <summary>The documents queued so far.</summary>
    public List<KnowledgeDocumentDto> Added { get; } = [];

    /// <summary>The files refused so far, each with its code.</summary>
    public List<KnowledgeFileRefused> Refused { get; } = [];

    /// <summary>Starts reading an upload into <paramref name="knowledgeBase"/> (its owner's quotas count from now).</summary>
    public async Task BeginAsync(KnowledgeBase knowledgeBase, CancellationToken cancellationToken)
    {
        target = knowledgeBase ?? throw new ArgumentNullException(nameof(knowledgeBase));
        documents = await db.KnowledgeDocuments.CountAsync(d => d.BaseId == knowledgeBase.Id, cancellationToken);
        storedBytes = await db.KnowledgeDocuments.Where(d => d.OwnerId == knowledgeBase.OwnerId).SumAsync(d => d.SizeBytes, cancellationToken);
    }

    /// <summary>Reads one file to its end (or to the size limit) and queues it as a document, or refuses it.</summary>
    public async Task AddFileAsync(string fileName, Stream content, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(content);
        var knowledgeBase = target ?? throw new InvalidOperationException("BeginAsync first.");
        var name = BatchFileNames.ForUpload(fileName, files + 1);
        if (++files > limits.MaxFilesPerUpload)
        {
            Refuse(name, ProblemCodes.KnowledgeTooManyFiles, $"One upload adds at most {limits.MaxFilesPerUpload} files; add the rest in another upload.");
            return;
        }

        using var buffer = new MemoryStream();
        var (_, complete) = await BoundedCopy.CopyAsync(content, buffer, limits.MaxFileBytes, 0, null, cancellationToken);
        if (!complete)
        {
            Refuse(name, ProblemCodes.KnowledgeFileTooLarge, $"The file is larger than {Mb(limits.MaxFileBytes)}, the limit per document.");
            return;
        }

        var data = buffer.ToArray();
        if (KnowledgeFileTypes.Detect(data.AsSpan(0, Math.Min(data.Length, KnowledgeFileTypes.HeadLength)), name) is not { } mediaType)
        {
            Refuse(name, ProblemCodes.KnowledgeUnsupportedType, "Only text (UTF-8), Markdown, PDF, Word (DOCX), JPEG, PNG and WebP files can be added.");
            return;
        }

        var sha = Convert.ToHexStringLower(SHA256.HashData(data));
        if (!hashes.Add(sha) || await db.KnowledgeDocuments.AnyAsync(d => d.BaseId == knowledgeBase.Id && d.Sha256 == sha, cancellationToken))
        {
            Refuse(name, ProblemCodes.KnowledgeFileDuplicate, "The same file is already in this knowledge base.");
            return;
        }

        if (documents >= limits.MaxDocumentsPerBase)
        {
            Refuse(name, ProblemCodes.KnowledgeDocumentLimit, $"A knowledge base holds at most {limits.MaxDocumentsPerBase:N0} documents.");
            return;
        }

        if (storedBytes + data.Length > limits.MaxStoredBytesPerUser)
        {
            Refuse(name, ProblemCodes.KnowledgeStorageQuota,
                $"This account may store {Mb(limits.MaxStoredBytesPerUser)} of documents; delete some to add more.");
            return;
        }

        await SaveAsync(knowledgeBase, name, mediaType, sha, data, cancellationToken);
    }

    private async Task SaveAsync(KnowledgeBase knowledgeBase, string name, string mediaType, string sha, byte[] data, CancellationToken cancellationToken)
    {
        var now = Timestamps.Now(time);
        var document = new KnowledgeDocument
        {
            Id = Guid.CreateVersion7(), BaseId = knowledgeBase.Id, OwnerId = knowledgeBase.OwnerId, FileName = name, MediaType = mediaType,
            SizeBytes = data.Length, Sha256 = sha, Status = KnowledgeDocumentStatus.Queued, CreatedAt = now, UpdatedAt = now, Data = data,
        };
        db.KnowledgeDocuments.Add(document);
        try
        {
            await db.SaveChangesAsync(cancellationToken);
        }
        catch (DbUpdateException)
        {
            db.Entry(document).State = EntityState.Detached;
            if (!await db.KnowledgeDocuments.AnyAsync(d => d.BaseId == knowledgeBase.Id && d.Sha256 == sha, CancellationToken.None))
            {
                throw;
            }

            // The same file came in another upload at the same moment: the unique index let one win.
            Refuse(name, ProblemCodes.KnowledgeFileDuplicate, "The same file is already in this knowledge base.");
            return;
        }

        db.Entry(document).State = EntityState.Detached; // the bytes are not kept for the rest of the upload
        (documents, storedBytes) = (documents + 1, storedBytes + data.Length);
        Added.Add(new KnowledgeDocumentDto(document.Id, document.BaseId, name, mediaType, data.Length, document.Status, null, 0, 0, 0, null, 0, now, null));
        signals.Pulse(); // an idle worker starts on it at once
    }

    private void Refuse(string name, string code, string message) => Refused.Add(new KnowledgeFileRefused(name, code, message));

    private static string Mb(long bytes) => (bytes / (1024.0 * 1024)).ToString("0.#", CultureInfo.InvariantCulture) + " MB";
}

using System.Runtime.CompilerServices;
using System.Threading.Channels;
using MikuCloud.Web.Knowledge;

namespace MikuCloud.Tests.Web.Knowledge;

/// <summary>A scripted knowledge API for component tests: records every call, reads uploads to the end like the API.</summary>
public sealed class FakeMikuKnowledgeApi : IMikuKnowledgeApi
{
    public List<KnowledgeBaseDto> Bases { get; } = [];

    public Dictionary<Guid, List<KnowledgeDocumentDto>> Documents { get; } = [];

    /// <summary>Pages by document and number.</summary>
    public Dictionary<(Guid Document, int Number), KnowledgePageDto> Pages { get; } = [];

    /// <summary>Every call in order: <c>create {name}</c>, <c>update {id}</c>, <c>delete-base</c>, <c>add {file}</c>, <c>reindex {file}</c>, <c>delete {file}</c>, <c>page {n}</c>.</summary>
    public List<string> Calls { get; } = [];

    public List<KnowledgeBaseRequest> Updates { get; } = [];

    /// <summary>The bytes of each uploaded file, by name.</summary>
    public Dictionary<string, byte[]> Received { get; } = [];

    /// <summary>Files the fake refuses (name → problem code), as the API does an unsupported type.</summary>
    public Dictionary<string, string> Refuse { get; } = [];

    /// <summary>The events of each base's stream; a test writes into them.</summary>
    public Dictionary<Guid, Channel<KnowledgeDocumentDto>> Events { get; } = [];

    /// <summary>The API cannot be reached (every call throws).</summary>
    public bool Unreachable { get; set; }

    public static KnowledgeBaseDto Base(string name, bool shared = false, bool mine = true, int documents = 0, int ready = 0) =>
        new(Guid.NewGuid(), name, null, shared, mine, "miku-embed", documents, ready, ready * 10, DateTime.UtcNow, DateTime.UtcNow);

    public static KnowledgeDocumentDto Document(Guid baseId, string fileName, string status, int? pageCount = null, int pagesDone = 0,
        int pagesByVision = 0, int chunks = 0, ErrorDto? error = null, Guid? id = null) =>
        new(id ?? Guid.NewGuid(), baseId, fileName, "application/pdf", 123_456, status, pageCount, pagesDone, pagesByVision, chunks, error,
            1, DateTime.UtcNow, status == KnowledgeDocumentStatus.Ready ? DateTime.UtcNow : null);

    public Task<IReadOnlyList<KnowledgeBaseDto>> ListBasesAsync(CancellationToken cancellationToken = default)
    {
        Check();
        return Task.FromResult<IReadOnlyList<KnowledgeBaseDto>>([.. Bases]);
    }

    public Task<KnowledgeBaseDto?> GetBaseAsync(Guid id, CancellationToken cancellationToken = default)
    {
        Check();
        return Task.FromResult(Bases.FirstOrDefault(b => b.Id == id));
    }

    public Task<KnowledgeBaseDto> CreateBaseAsync(KnowledgeBaseRequest request, CancellationToken cancellationToken = default)
    {
        Check();
        Calls.Add($"create {request.Name}");
        var created = Base(request.Name!);
        Bases.Insert(0, created);
        return Task.FromResult(created);
    }

    public Task<KnowledgeBaseDto> UpdateBaseAsync(Guid id, KnowledgeBaseRequest request, CancellationToken cancellationToken = default)
    {
        Check();
        Calls.Add($"update {id}");
        Updates.Add(request);
        var index = Bases.FindIndex(b => b.Id == id);
        Bases[index] = Bases[index] with { Name = request.Name ?? Bases[index].Name, Shared = request.Shared ?? Bases[index].Shared };
        return Task.FromResult(Bases[index]);
    }

    public Task DeleteBaseAsync(Guid id, CancellationToken cancellationToken = default)
    {
        Calls.Add("delete-base");
        Bases.RemoveAll(b => b.Id == id);
        return Task.CompletedTask;
    }

    public Task<IReadOnlyList<KnowledgeDocumentDto>> ListDocumentsAsync(Guid baseId, CancellationToken cancellationToken = default)
    {
        Check();
        return Task.FromResult<IReadOnlyList<KnowledgeDocumentDto>>([.. Documents.GetValueOrDefault(baseId) ?? []]);
    }

    public async Task<KnowledgeDocumentsAdded> AddDocumentAsync(Guid baseId, string fileName, Stream content, CancellationToken cancellationToken = default)
    {
        Check();
        Calls.Add($"add {fileName}");
        using var copy = new MemoryStream();
        await content.CopyToAsync(copy, cancellationToken);
        Received[fileName] = copy.ToArray();
        if (Refuse.TryGetValue(fileName, out var code))
        {
            return new([], [new KnowledgeFileRefused(fileName, code, $"{fileName} is not a document MikuCloud reads.")]);
        }

        var document = Document(baseId, fileName, KnowledgeDocumentStatus.Queued);
        (Documents.TryGetValue(baseId, out var list) ? list : Documents[baseId] = []).Add(document);
        return new([document], []);
    }

    public Task DeleteDocumentAsync(Guid id, CancellationToken cancellationToken = default)
    {
        Calls.Add($"delete {Find(id).FileName}");
        foreach (var list in Documents.Values)
        {
            list.RemoveAll(d => d.Id == id);
        }

        return Task.CompletedTask;
    }

    public Task<KnowledgeDocumentDto> ReindexAsync(Guid id, CancellationToken cancellationToken = default)
    {
        var document = Find(id);
        Calls.Add($"reindex {document.FileName}");
        return Task.FromResult(document with { Status = KnowledgeDocumentStatus.Queued, Error = null, PagesDone = 0, Attempts = document.Attempts + 1 });
    }

    public async IAsyncEnumerable<KnowledgeDocumentDto> FollowAsync(Guid baseId, [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        Check();
        var channel = Events.TryGetValue(baseId, out var known) ? known : Events[baseId] = Channel.CreateUnbounded<KnowledgeDocumentDto>();
        await foreach (var document in channel.Reader.ReadAllAsync(cancellationToken))
        {
            yield return document;
        }
    }

    public Task<KnowledgePageDto?> GetPageAsync(Guid documentId, int number, CancellationToken cancellationToken = default)
    {
        Check();
        Calls.Add($"page {number}");
        return Task.FromResult(Pages.GetValueOrDefault((documentId, number)));
    }

    private KnowledgeDocumentDto Find(Guid id) => Documents.Values.SelectMany(d => d).Single(d => d.Id == id);

    private void Check()
    {
        if (Unreachable)
        {
            throw new HttpRequestException("connection refused");
        }
    }
}

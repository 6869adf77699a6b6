using MikuCloud.Tests.Api;
using MikuCloud.Tests.Persistence;

namespace MikuCloud.Tests.Knowledge;

/// <summary>
/// One API on one database for a class of knowledge tests, with the embedding house model served by the fake Ollama and
/// the bilingual corpus indexed in a base of its own (<see cref="CorpusBase"/>).
/// </summary>
public abstract class KnowledgeApiFixture : IAsyncLifetime
{
    private readonly ApiFixture inner;

    protected KnowledgeApiFixture(ApiFixture inner) => this.inner = inner;

    public ApiFactory Api => inner.Api;

    public HttpClient Client => inner.Client;

    public string Provider => inner.Database.Provider;

    public Guid CorpusBase { get; private set; }

    /// <summary>The corpus documents' ids by file name.</summary>
    public Dictionary<string, Guid> CorpusDocuments { get; } = new(StringComparer.Ordinal);

    public void SkipIfUnavailable() => inner.SkipIfUnavailable();

    public async ValueTask InitializeAsync()
    {
        await inner.InitializeAsync();
        if (!inner.IsAvailable)
        {
            return;
        }

        // miku-embed is in modelfiles/ (optional); the fake serves it as Ollama would once it is pulled.
        Api.Ollama.WithModel("miku-embed", "qwen3-embedding:0.6b");
        CorpusBase = await KnowledgeSeed.BaseAsync(Api, "corpus");
        foreach (var document in KnowledgeCorpus.Bilingual.Documents)
        {
            CorpusDocuments[document.Name] = await KnowledgeSeed.DocumentAsync(Api, CorpusBase, document.Name, document.Chunks);
        }
    }

    public async ValueTask DisposeAsync()
    {
        await inner.DisposeAsync();
        GC.SuppressFinalize(this);
    }
}

public sealed class SqliteKnowledgeFixture() : KnowledgeApiFixture(new SqliteApiFixture());

public sealed class PostgresKnowledgeFixture() : KnowledgeApiFixture(new PostgresApiFixture());

using MikuCloud.Tests.Api;
using MikuCloud.Tests.Persistence;

namespace MikuCloud.Tests.Knowledge;

/// <summary>
/// Two API replicas on one database for a class of knowledge tests: one searches (<see cref="Reading"/>), the other
/// writes and deletes (<see cref="Writing"/>), each with its own process-wide vector index and its own fake Ollama
/// serving the embedding model.
/// </summary>
public abstract class KnowledgeReplicaFixture(TestDatabase database, bool available) : IAsyncLifetime
{
    public TestDatabase Database => database;

    public ApiFactory Reading { get; private set; } = null!;

    public ApiFactory Writing { get; private set; } = null!;

    public void SkipIfUnavailable()
    {
        if (!available)
        {
            Assert.Skip(PostgresTestDatabase.SkipReason!);
        }
    }

    public async ValueTask InitializeAsync()
    {
        if (!available)
        {
            return;
        }

        await database.CreateAsync();
        Reading = await database.StartApiAsync();
        Writing = await database.StartApiAsync();
        foreach (var api in new[] { Reading, Writing })
        {
            api.Ollama.WithModel("miku-embed", "qwen3-embedding:0.6b");
        }
    }

    public async ValueTask DisposeAsync()
    {
        // Null when the start failed part of the way.
        foreach (var api in new ApiFactory?[] { Reading, Writing })
        {
            if (api is not null)
            {
                await api.DisposeAsync();
            }
        }

        await database.DisposeAsync();
        GC.SuppressFinalize(this);
    }
}

public sealed class SqliteKnowledgeReplicaFixture() : KnowledgeReplicaFixture(new SqliteTestDatabase(), available: true);

public sealed class PostgresKnowledgeReplicaFixture() : KnowledgeReplicaFixture(new PostgresTestDatabase(), PostgresTestDatabase.IsAvailable);

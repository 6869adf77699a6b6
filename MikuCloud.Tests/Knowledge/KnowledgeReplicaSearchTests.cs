using System.Diagnostics;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using MikuCloud.Api.Data;
using MikuCloud.Api.Knowledge;

namespace MikuCloud.Tests.Knowledge;

/// <summary>
/// Two replicas on one database: what one indexes, re-indexes or deletes, the other's very next search sees — its
/// cached vectors follow the versions the database's own triggers move, not anything the writing replica tells it. The
/// queries share no word with the passages they look for (only word parts, which the fake's embeddings see), so only
/// the vectors can find them.
/// </summary>
public abstract class KnowledgeReplicaSearchTests(KnowledgeReplicaFixture fixture)
{
    private const string Plants = "Photosynthesis turns sunlight into sugar.", PlantsQuery = "photosynthetic sunlit sugary";
    private const string Weather = "Tomorrow brings heavy rain and wind from the west.";
    private const string Glaciers = "Glaciers carve valleys over thousands of years.", GlaciersQuery = "glacial valley carving";

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private HttpClient reader => field ??= fixture.Reading.CreateClient();

    [Fact]
    public async Task A_document_another_replica_indexes_is_found_by_its_meaning_at_the_next_search()
    {
        fixture.SkipIfUnavailable();
        var shared = await BaseWithWeatherAsync();
        Assert.DoesNotContain(await reader.SearchAsync(PlantsQuery, [shared], cancellationToken: Ct), p => p.Text == Plants); // cached here

        await KnowledgeSeed.DocumentAsync(fixture.Writing, shared, "plants.txt", KnowledgeSeed.Pages(Plants), cancellationToken: Ct);

        Assert.Equal(Plants, (await reader.SearchAsync(PlantsQuery, [shared], cancellationToken: Ct))[0].Text);
        Assert.Empty(await FullTextOnlyAsync(PlantsQuery, shared)); // the words alone find nothing: the vectors did
    }

    [Fact]
    public async Task A_document_another_replica_indexes_again_is_searched_by_its_new_meaning_only()
    {
        fixture.SkipIfUnavailable();
        var shared = await BaseWithWeatherAsync();
        var document = await KnowledgeSeed.DocumentAsync(fixture.Writing, shared, "notes.txt", KnowledgeSeed.Pages(Plants), cancellationToken: Ct);
        Assert.Equal(Plants, (await reader.SearchAsync(PlantsQuery, [shared], cancellationToken: Ct))[0].Text);

        await using (var scope = fixture.Writing.Services.CreateAsyncScope())
        {
            var db = scope.ServiceProvider.GetRequiredService<ChatDbContext>();
            var doc = await db.KnowledgeDocuments.SingleAsync(d => d.Id == document, Ct);
            await scope.ServiceProvider.GetRequiredService<KnowledgeIndexWriter>().WriteAsync(db, doc, KnowledgeSeed.Pages(Glaciers), Ct);
        }

        var found = await reader.SearchAsync(GlaciersQuery, [shared], top: 10, cancellationToken: Ct);
        Assert.Equal((Glaciers, document), (found[0].Text, found[0].DocumentId));
        Assert.DoesNotContain(found, p => p.Text == Plants);
    }

    [Fact]
    public async Task A_document_another_replica_deletes_leaves_no_hits()
    {
        fixture.SkipIfUnavailable();
        var shared = await BaseWithWeatherAsync();
        var document = await KnowledgeSeed.DocumentAsync(fixture.Writing, shared, "plants.txt", KnowledgeSeed.Pages(Plants), cancellationToken: Ct);
        Assert.Equal(Plants, (await reader.SearchAsync(PlantsQuery, [shared], cancellationToken: Ct))[0].Text);

        using var writer = fixture.Writing.CreateClient();
        using var deleted = await writer.DeleteAsync($"/api/knowledge/documents/{document}", Ct);
        deleted.EnsureSuccessStatusCode();

        Assert.DoesNotContain(await reader.SearchAsync(PlantsQuery, [shared], top: 10, cancellationToken: Ct), p => p.DocumentId == document);
    }

    [Fact]
    public async Task A_vector_another_writer_clears_in_place_is_no_longer_searched()
    {
        fixture.SkipIfUnavailable();
        var shared = await BaseWithWeatherAsync();
        var document = await KnowledgeSeed.DocumentAsync(fixture.Writing, shared, "plants.txt", KnowledgeSeed.Pages(Plants), cancellationToken: Ct);
        Assert.Equal(Plants, (await reader.SearchAsync(PlantsQuery, [shared], cancellationToken: Ct))[0].Text);

        // Not a path of the API (a re-index replaces chunks): a tool or a migration rewriting vectors where they are.
        await fixture.Writing.WithDbAsync(db => db.KnowledgeChunks.Where(c => c.DocumentId == document)
            .ExecuteUpdateAsync(s => s.SetProperty(c => c.Vector, (byte[]?)null), Ct));

        Assert.DoesNotContain(await reader.SearchAsync(PlantsQuery, [shared], top: 10, cancellationToken: Ct), p => p.DocumentId == document);
    }

    [Fact]
    public async Task A_chunk_deleted_where_no_trigger_saw_it_is_still_never_returned()
    {
        fixture.SkipIfUnavailable();
        var shared = await BaseWithWeatherAsync();
        var document = await KnowledgeSeed.DocumentAsync(fixture.Writing, shared, "plants.txt", KnowledgeSeed.Pages(Plants), cancellationToken: Ct);
        Assert.Equal(Plants, (await reader.SearchAsync(PlantsQuery, [shared], cancellationToken: Ct))[0].Text);

        // The reader's cached vectors still hold the chunk (no version moved), as in the moment between a search's
        // vector scan and its reading of the passages: the passages are read from the rows that exist.
        await DeleteBehindTheTriggersAsync(document);

        var found = await reader.SearchAsync(PlantsQuery, [shared], top: 10, cancellationToken: Ct);
        Assert.DoesNotContain(found, p => p.DocumentId == document);
        Assert.Equal(Weather, found[0].Text);
    }

    [Fact]
    public async Task After_another_replica_writes_the_next_search_reads_only_what_changed_and_the_one_after_nothing()
    {
        fixture.SkipIfUnavailable();
        var shared = await BaseWithWeatherAsync();
        await KnowledgeSeed.DocumentAsync(fixture.Writing, shared, "plants.txt", KnowledgeSeed.Pages(Plants), cancellationToken: Ct);
        var first = await SearchSpanAsync(shared);
        await KnowledgeSeed.DocumentAsync(fixture.Writing, shared, "glaciers.txt", KnowledgeSeed.Pages(Glaciers), cancellationToken: Ct);

        var afterWrite = await SearchSpanAsync(shared);
        var again = await SearchSpanAsync(shared);

        Assert.Equal(KnowledgeVectorIndex.Full, first.GetTagItem(KnowledgeSearchTelemetry.RefreshTag));
        Assert.Equal(KnowledgeVectorIndex.Changes, afterWrite.GetTagItem(KnowledgeSearchTelemetry.RefreshTag));
        Assert.Equal(KnowledgeVectorIndex.Current, again.GetTagItem(KnowledgeSearchTelemetry.RefreshTag));
    }

    /// <summary>A new base (each test its own) holding the weather passage, written by the writing replica.</summary>
    private async Task<Guid> BaseWithWeatherAsync()
    {
        var shared = await KnowledgeSeed.BaseAsync(fixture.Writing, "replicated");
        await KnowledgeSeed.DocumentAsync(fixture.Writing, shared, "weather.txt", KnowledgeSeed.Pages(Weather), cancellationToken: Ct);
        return shared;
    }

    private async Task<IReadOnlyList<KnowledgePassageDto>> FullTextOnlyAsync(string query, Guid baseId)
    {
        var embeds = fixture.Reading.Ollama.IsEmbeddingModel;
        fixture.Reading.Ollama.IsEmbeddingModel = _ => false;
        try
        {
            return await reader.SearchAsync(query, [baseId], cancellationToken: Ct);
        }
        finally
        {
            fixture.Reading.Ollama.IsEmbeddingModel = embeds;
        }
    }

    /// <summary>The reading replica's vector step of one search (run in the test, so its spans are this test's alone).</summary>
    private async Task<Activity> SearchSpanAsync(Guid baseId)
    {
        var spans = new List<Activity>();
        using var listener = new ActivityListener
        {
            ShouldListenTo = s => s.Name == KnowledgeSearchTelemetry.Name,
            Sample = (ref ActivityCreationOptions<ActivityContext> _) => ActivitySamplingResult.AllDataAndRecorded,
            ActivityStopped = a => { lock (spans) { spans.Add(a); } },
        };
        ActivitySource.AddActivityListener(listener);
        using var test = new Activity("test").Start();
        await using (var scope = fixture.Reading.Services.CreateAsyncScope())
        {
            await scope.ServiceProvider.GetRequiredService<KnowledgeRetriever>().SearchAsync(Owners.Local, [baseId], PlantsQuery, 5, Ct);
        }

        lock (spans)
        {
            return Assert.Single(spans, s => s.OperationName == KnowledgeSearchTelemetry.Vectors && s.TraceId == test.TraceId);
        }
    }

    /// <summary>Deletes the document's chunks without the vector trigger firing (switched off inside the transaction: the schema is unchanged after).</summary>
    private Task DeleteBehindTheTriggersAsync(Guid document) => fixture.Writing.WithDbAsync(async db =>
    {
        await using var transaction = await db.Database.BeginTransactionAsync(Ct);
        if (db.Database.IsNpgsql())
        {
            await db.Database.ExecuteSqlRawAsync("""ALTER TABLE "KnowledgeChunks" DISABLE TRIGGER "KnowledgeChunks_VectorsRemoved" """, Ct);
            await db.KnowledgeChunks.Where(c => c.DocumentId == document).ExecuteDeleteAsync(Ct);
            await db.Database.ExecuteSqlRawAsync("""ALTER TABLE "KnowledgeChunks" ENABLE TRIGGER "KnowledgeChunks_VectorsRemoved" """, Ct);
        }
        else
        {
            // SQLite cannot switch a trigger off: it is dropped and made again inside the transaction.
            var trigger = await db.Database.SqlQueryRaw<string>("""SELECT "sql" AS "Value" FROM sqlite_master WHERE "name" = 'KnowledgeChunks_VectorRemoved'""")
                .SingleAsync(Ct);
            await db.Database.ExecuteSqlRawAsync("""DROP TRIGGER "KnowledgeChunks_VectorRemoved" """, Ct);
            await db.KnowledgeChunks.Where(c => c.DocumentId == document).ExecuteDeleteAsync(Ct);
            await db.Database.ExecuteSqlRawAsync(trigger, Ct);
        }

        await transaction.CommitAsync(Ct);
        return 0;
    });
}

public sealed class SqliteKnowledgeReplicaSearchTests(SqliteKnowledgeReplicaFixture fixture)
    : KnowledgeReplicaSearchTests(fixture), IClassFixture<SqliteKnowledgeReplicaFixture>;

public sealed class PostgresKnowledgeReplicaSearchTests(PostgresKnowledgeReplicaFixture fixture)
    : KnowledgeReplicaSearchTests(fixture), IClassFixture<PostgresKnowledgeReplicaFixture>;

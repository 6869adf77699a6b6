using Microsoft.EntityFrameworkCore;
using MikuCloud.Api.Data;
using MikuCloud.Api.Knowledge;

namespace MikuCloud.Bench;

/// <summary>A knowledge base of synthetic chunks for the knowledge item: Zipf-distributed words and random unit vectors.</summary>
public static class KnowledgeBenchSeed
{
    public const string Owner = "bench";
    private const int Vocabulary = 5_000, WordsPerChunk = 60, Dimensions = 1_024;

    // Zipf (s = 1): the cumulative weights of the vocabulary's ranks.
    private static readonly double[] Cumulative = BuildCumulative();

    public static async Task<Guid> BaseAndDocumentAsync(ChatDbContext db, Guid baseId, CancellationToken cancellationToken)
    {
        db.KnowledgeBases.Add(new KnowledgeBase { Id = baseId, OwnerId = Owner, Name = "bench", EmbeddingModel = "miku-embed", CreatedAt = DateTime.UtcNow, UpdatedAt = DateTime.UtcNow });
        var document = new KnowledgeDocument
        {
            Id = Guid.NewGuid(), BaseId = baseId, OwnerId = Owner, FileName = "bench.txt", MediaType = "text/plain", Sha256 = "bench",
            Status = KnowledgeDocumentStatus.Ready, CreatedAt = DateTime.UtcNow, UpdatedAt = DateTime.UtcNow,
        };
        db.KnowledgeDocuments.Add(document);
        await db.SaveChangesAsync(cancellationToken);
        return document.Id;
    }

    /// <summary>
    /// Inserts <paramref name="count"/> chunks with vectors and full-text rows: straight through the provider (PostgreSQL's
    /// binary COPY, SQLite's prepared insert in one transaction), as EF Core's change tracking took minutes for 100,000.
    /// </summary>
    public static async Task ChunksAsync(Func<ChatDbContext> open, Guid baseId, Guid documentId, int count, CancellationToken cancellationToken)
    {
        await using var db = open();
        await db.Database.OpenConnectionAsync(cancellationToken);
        var rows = Rows(new Random(count), count);
        if (db.Database.GetDbConnection() is Npgsql.NpgsqlConnection pg)
        {
            await KnowledgeBenchCopy.PostgresAsync(pg, baseId, documentId, rows, cancellationToken);
        }
        else
        {
            await KnowledgeBenchCopy.SqliteAsync((Microsoft.Data.Sqlite.SqliteConnection)db.Database.GetDbConnection(), baseId, documentId, rows, cancellationToken);
        }
    }

    // The synthetic words are already what KnowledgeSegmenter makes of them (lower-case letters and digits, one space
    // apart), so the seed skips segmenting 100,000 chunks; the write-cost row segments for real.
    private static IEnumerable<(int Ordinal, string Text, byte[] Vector, float Scale)> Rows(Random random, int count)
    {
        var vector = new float[Dimensions];
        for (var i = 0; i < count; i++)
        {
            for (var d = 0; d < Dimensions; d++)
            {
                vector[d] = (float)(random.NextDouble() * 2 - 1);
            }

            var (values, scale) = VectorQuantizer.Quantize(vector);
            yield return (i, Words(random, WordsPerChunk), values, scale);
        }
    }

    /// <summary>Chunks of a document to write, as the chunker hands them over.</summary>
    public static IReadOnlyList<DocumentChunk> Chunks(Random random, int count) =>
        [.. Enumerable.Range(0, count).Select(i => new DocumentChunk(i, i / 5 + 1, 0, null, Words(random, WordsPerChunk * 4)))];

    /// <summary>A query of four words, of middling frequency (ranks 20–2,000), as a question's content words are.</summary>
    public static string Query(Random random) => string.Join(' ', Enumerable.Range(0, 4).Select(_ => Word(random.Next(20, 2_000))));

    private static string Words(Random random, int count) => string.Join(' ', Enumerable.Range(0, count).Select(_ => Word(Rank(random))));

    private static string Word(int rank) => "w" + rank.ToString(System.Globalization.CultureInfo.InvariantCulture);

    private static int Rank(Random random)
    {
        var index = Array.BinarySearch(Cumulative, random.NextDouble() * Cumulative[^1]);
        return index >= 0 ? index : ~index;
    }

    private static double[] BuildCumulative()
    {
        var cumulative = new double[Vocabulary];
        var sum = 0.0;
        for (var rank = 0; rank < Vocabulary; rank++)
        {
            sum += 1.0 / (rank + 1);
            cumulative[rank] = sum;
        }

        return cumulative;
    }
}

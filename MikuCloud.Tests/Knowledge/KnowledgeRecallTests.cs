namespace MikuCloud.Tests.Knowledge;

/// <summary>
/// Retrieval quality on the bilingual corpus: recall@5 (the answer passage among the first five) of full text alone
/// and of the hybrid (full text and vectors fused), printed and held above floors measured on this corpus. The fake's
/// embeddings are hashed words, character trigrams and CJK bigrams (see FakeOllama.Embed), so "paraphrase" questions
/// that share word parts but not whole words are where the hybrid must gain.
/// </summary>
public abstract class KnowledgeRecallTests(KnowledgeApiFixture fixture, ITestOutputHelper output)
{
    // Measured (both providers alike): full text 31/36 (86 %), hybrid 34/36 (94 %). Floors a question or two below, so a
    // real regression fails and a tie-break does not.
    private const double FullTextFloor = 0.80, HybridFloor = 0.90;

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task Recall_at_5_of_the_hybrid_beats_full_text_alone_on_Chinese_and_English_questions()
    {
        fixture.SkipIfUnavailable();
        var questions = KnowledgeCorpus.Bilingual.Questions;
        IReadOnlyList<bool> fullText;
        // The embedding model refused (as Ollama does for a model that is not one): the same search is full text only.
        var embeds = fixture.Api.Ollama.IsEmbeddingModel;
        fixture.Api.Ollama.IsEmbeddingModel = _ => false;
        try
        {
            fullText = await HitsAsync(questions);
        }
        finally
        {
            fixture.Api.Ollama.IsEmbeddingModel = embeds;
        }

        var hybrid = await HitsAsync(questions);

        foreach (var (name, hits) in new[] { ("full text", fullText), ("hybrid", hybrid) })
        {
            output.WriteLine($"{fixture.Provider} {name}: recall@5 {Rate(hits):P0} ({hits.Count(h => h)}/{hits.Count}); " +
                string.Join(", ", questions.Select((q, i) => (q, i)).GroupBy(x => (Chinese: x.q.Text.Any(c => c > 0x2E80), x.q.Kind))
                    .Select(g => $"{(g.Key.Chinese ? "zh" : "en")} {g.Key.Kind} {g.Count(x => hits[x.i])}/{g.Count()}")));
        }

        for (var i = 0; i < questions.Count; i++)
        {
            if (!hybrid[i])
            {
                output.WriteLine($"  missed by the hybrid: {questions[i].Text}");
            }
        }

        Assert.True(Rate(fullText) >= FullTextFloor, $"full-text recall@5 {Rate(fullText):P0} < {FullTextFloor:P0}");
        Assert.True(Rate(hybrid) >= HybridFloor, $"hybrid recall@5 {Rate(hybrid):P0} < {HybridFloor:P0}");
        Assert.True(Rate(hybrid) > Rate(fullText), $"the hybrid ({Rate(hybrid):P0}) should find more than full text alone ({Rate(fullText):P0})");
    }

    private async Task<IReadOnlyList<bool>> HitsAsync(IReadOnlyList<KnowledgeCorpus.Question> questions)
    {
        var hits = new List<bool>();
        foreach (var question in questions)
        {
            var passages = await fixture.Client.SearchAsync(question.Text, [fixture.CorpusBase], top: 5, cancellationToken: Ct);
            var answer = KnowledgeCorpus.Bilingual.Documents.Single(d => d.Name == question.Document).Passages[question.Ordinal].Text;
            hits.Add(passages.Any(p => p.DocumentId == fixture.CorpusDocuments[question.Document] && p.Text == answer));
        }

        return hits;
    }

    private static double Rate(IReadOnlyList<bool> hits) => hits.Count(h => h) / (double)hits.Count;
}

public sealed class SqliteKnowledgeRecallTests(SqliteKnowledgeFixture fixture, ITestOutputHelper output)
    : KnowledgeRecallTests(fixture, output), IClassFixture<SqliteKnowledgeFixture>;

public sealed class PostgresKnowledgeRecallTests(PostgresKnowledgeFixture fixture, ITestOutputHelper output)
    : KnowledgeRecallTests(fixture, output), IClassFixture<PostgresKnowledgeFixture>;

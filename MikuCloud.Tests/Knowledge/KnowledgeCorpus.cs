using System.Text.Json;
using MikuCloud.Api.Knowledge;

namespace MikuCloud.Tests.Knowledge;

/// <summary>
/// The bilingual retrieval corpus (<c>Corpus/bilingual.json</c>): Chinese and English documents already cut into
/// passages, and questions whose answer is one known passage, each marked <c>words</c> (shares the passage's words) or
/// <c>paraphrase</c> (other word forms, synonyms).
/// </summary>
public sealed record KnowledgeCorpus(string About, IReadOnlyList<KnowledgeCorpus.Document> Documents, IReadOnlyList<KnowledgeCorpus.Question> Questions)
{
    public static KnowledgeCorpus Bilingual { get; } = JsonSerializer.Deserialize<KnowledgeCorpus>(
        File.ReadAllText(Path.Combine(AppContext.BaseDirectory, "Knowledge", "Corpus", "bilingual.json")), JsonSerializerOptions.Web)!;

    public sealed record Document(string Name, IReadOnlyList<Passage> Passages)
    {
        public IReadOnlyList<DocumentChunk> Chunks => [.. Passages.Select((p, i) => new DocumentChunk(i, i / 3 + 1, 0, p.Heading, p.Text))];
    }

    public sealed record Passage(string? Heading, string Text);

    public sealed record Question(string Text, string Document, int Ordinal, string Kind);
}

using MikuCloud.Api.Chat;
using MikuCloud.Api.Knowledge;

namespace MikuCloud.Tests.Knowledge.Reading;

public sealed class KnowledgeChunkerTests(ITestOutputHelper output)
{
    private static readonly string[] SentenceEnds = [".", "。", "！", "？", "；"];

    [Fact]
    public void Each_passage_carries_its_heading_path_and_none_spans_two_sections()
    {
        var page = Page(1, "Intro before any heading.\n\n# Setup\n\nInstall the pump.\n\n## Wiring\n\nConnect the red wire.\n\n# Use\n\nPress start.");

        var chunks = ReadingFixtures.Chunker().Chunk([page]);

        Assert.Equal([(null, "Intro before any heading."), ("Setup", "Install the pump."), ("Setup › Wiring", "Connect the red wire."), ("Use", "Press start.")],
            chunks.Select(c => (c.Heading, c.Text)));
        Assert.Equal([0, 1, 2, 3], chunks.Select(c => c.Ordinal));
    }

    [Fact]
    public void Code_fences_and_tables_stay_whole_blank_lines_and_all()
    {
        var code = "```python\ndef pump():\n\n    return 'on'\n```";
        var table = "| Part | Torque |\n| --- | --- |\n| Bolt | 25 Nm |";
        var page = Page(1, $"# Reference\n\n{Sentences("Filler", 20)}\n\n{code}\n\n{Sentences("More filler", 20)}\n\n{table}");

        var chunks = ReadingFixtures.Chunker(o => o.ChunkTokens = 64).Chunk([page]);

        Assert.Single(chunks, c => c.Text.Contains(code, StringComparison.Ordinal));
        Assert.Single(chunks, c => c.Text.Contains(table, StringComparison.Ordinal));
    }

    [Fact]
    public void A_long_section_is_cut_at_sentence_ends_near_the_target_size_with_overlap()
    {
        var page = Page(1, "# Manual\n\n" + Sentences("The pump sentence", 60));
        var chunker = ReadingFixtures.Chunker(o => (o.ChunkTokens, o.ChunkOverlap) = (64, 0.25));

        var chunks = chunker.Chunk([page]);

        output.WriteLine(string.Join("\n", chunks.Select(c => $"{TokenEstimator.RawTextTokens(c.Text)} tokens: {c.Text}")));
        Assert.True(chunks.Count >= 5, $"{chunks.Count} passages");
        Assert.All(chunks, c => Assert.InRange(TokenEstimator.RawTextTokens(c.Text), 16, 64 + 16));
        Assert.All(chunks, c => Assert.EndsWith(".", c.Text, StringComparison.Ordinal));
        for (var i = 1; i < chunks.Count; i++)
        {
            var firstSentence = chunks[i].Text[..(chunks[i].Text.IndexOf('.', StringComparison.Ordinal) + 1)];
            Assert.EndsWith(firstSentence, chunks[i - 1].Text, StringComparison.Ordinal); // starts with where the last one ended
        }
    }

    [Fact]
    public void Chinese_without_spaces_is_cut_at_its_sentence_ends()
    {
        var text = string.Concat(Enumerable.Range(1, 40).Select(i => $"第{i}条规定付款期限为三十日并由甲方承担运输费用{"。！？；"[i % 4]}"));
        var chunks = ReadingFixtures.Chunker(o => o.ChunkTokens = 64).Chunk([Page(1, text)]);

        Assert.True(chunks.Count >= 8, $"{chunks.Count} passages");
        Assert.All(chunks, c => Assert.Contains(SentenceEnds, end => c.Text.EndsWith(end, StringComparison.Ordinal)));
        Assert.All(chunks, c => Assert.InRange(TokenEstimator.RawTextTokens(c.Text), 1, 64 + 9));
    }

    [Fact]
    public void Every_passage_points_at_its_page_and_offset_even_when_it_runs_onto_the_next_page()
    {
        DocumentPage[] pages =
        [
            Page(1, "# Contract\n\n" + Sentences("Clause on page one", 12) + "\n\nShort end of page one."),
            Page(2, "", withImage: true), // a scan the vision model has not read: no text, no passages
            Page(3, "Short start of page three.\n\n" + Sentences("Clause on page three", 12) + "\n\n  - an indented item."),
        ];

        var chunks = ReadingFixtures.Chunker(o => o.ChunkTokens = 48).Chunk(pages);

        Assert.DoesNotContain(chunks, c => c.Page == 2);
        foreach (var chunk in chunks)
        {
            var page = pages.Single(p => p.Number == chunk.Page).Text;
            var firstPart = chunk.Text.Split("\n\n")[0];
            Assert.Equal(firstPart, page.Substring(chunk.Offset, firstPart.Length));
        }

        Assert.Contains(chunks, c => c.Page == 1 && c.Text.Contains("Short end of page one.\n\nShort start of page three.", StringComparison.Ordinal));
        Assert.Contains(chunks, c => c.Text.EndsWith("- an indented item.", StringComparison.Ordinal));
        Assert.Equal("Contract", chunks[^1].Heading); // the heading carries over the page break
    }

    [Fact]
    public void Small_paragraphs_are_packed_together_and_passages_end_where_paragraphs_end()
    {
        var paragraphs = Enumerable.Range(1, 12).Select(i => Sentences($"Paragraph {i} sentence", 3)).ToList();
        var chunks = ReadingFixtures.Chunker(o => (o.ChunkTokens, o.ChunkOverlap) = (96, 0)).Chunk([Page(1, string.Join("\n\n", paragraphs))]);

        Assert.InRange(chunks.Count, 2, 6);
        Assert.All(chunks, c => Assert.Contains(paragraphs, p => c.Text.EndsWith(p, StringComparison.Ordinal)));
    }

    private static DocumentPage Page(int number, string text, bool withImage = false) =>
        new(number, text, withImage ? new PageImage([1], "image/png") : null);

    private static string Sentences(string stem, int count) =>
        string.Join(' ', Enumerable.Range(1, count).Select(i => $"{stem} number {i} says something useful."));
}

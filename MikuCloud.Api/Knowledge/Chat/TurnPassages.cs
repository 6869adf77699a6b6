namespace MikuCloud.Api.Knowledge;

/// <summary>The passages retrieved for a turn, best first, numbered from 1 in that order.</summary>
public sealed record TurnPassages(IReadOnlyList<RetrievedPassage> Found)
{
    /// <summary>Each passage as the prompt holds it (see <see cref="KnowledgePrompt.Block"/>).</summary>
    public IReadOnlyList<string> Blocks { get; } = [.. Found.Select((p, i) => KnowledgePrompt.Block(i + 1, p))];

    /// <summary>The citations of the first <paramref name="kept"/> passages: those that fit the prompt.</summary>
    public IReadOnlyList<CitationDto> Citations(int kept) => [.. Found.Take(kept).Select((p, i) => KnowledgePrompt.Citation(i + 1, p))];
}

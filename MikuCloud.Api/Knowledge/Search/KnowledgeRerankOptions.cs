using System.ComponentModel.DataAnnotations;

namespace MikuCloud.Api.Knowledge;

/// <summary>
/// The optional rerank step of knowledge search (<c>Knowledge:Rerank</c>): after fusion, the chat model scores the best
/// <see cref="Candidates"/> passages against the query and the best-scored ones are kept. Off by default: it costs one
/// background generation per search.
/// </summary>
public sealed class KnowledgeRerankOptions
{
    /// <summary>The configuration section.</summary>
    public const string SectionName = "Knowledge:Rerank";

    /// <summary>Whether searches are reranked.</summary>
    public bool Enabled { get; set; }

    /// <summary>Fused passages the model scores (at least as many as the search returns).</summary>
    [Range(2, 50)]
    public int Candidates { get; set; } = 20;

    /// <summary>How long the model may take before the fused order is kept, in seconds.</summary>
    [Range(1, 300)]
    public int TimeoutSeconds { get; set; } = 15;

    /// <summary>The chat house model that scores (null: the default chat model).</summary>
    public string? Model { get; set; }
}

namespace MikuCloud.Api.Knowledge;

/// <summary>
/// A passage found for a query: the chunk, its document and base, where it starts, its text, its score (reciprocal rank
/// fusion of the full-text and vector ranks, or the model's 0–10 when reranked; higher is better) and whether its page
/// has an image to show (a scan or a picture).
/// </summary>
public sealed record RetrievedPassage(long ChunkId, Guid DocumentId, Guid BaseId, string DocumentName, int Page, string? Heading, string Text,
    double Score, bool PageHasImage);

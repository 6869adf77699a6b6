namespace MikuCloud.Web.Batches;

/// <summary>What became of one pick or drop: files added, and files skipped (already chosen, not images, over the limit).</summary>
public sealed record BatchPickOutcome(int Added, int Duplicates, int NotImages, int OverLimit);

namespace MikuCloud.Api.Turns;

/// <summary>A user's question as sent: text (already validated by the door) and the raw bytes of its images.</summary>
public sealed record TurnQuestion(string Content, IReadOnlyList<byte[]> Images);

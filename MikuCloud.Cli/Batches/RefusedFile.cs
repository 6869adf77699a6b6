namespace MikuCloud.Cli.Batches;

/// <summary>A file the API refused at upload (not an image, too large, an unsafe zip entry).</summary>
public sealed record RefusedFile(string File, string Code, string Message);

namespace MikuCloud.Web.Batches;

/// <summary>A picked file to upload: its name, its size as the browser reports it, and how to read it (once).</summary>
public sealed record BatchFileSource(string Name, long Size, Func<CancellationToken, Stream> Open);

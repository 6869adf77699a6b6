namespace MikuCloud.Api.Batches;

/// <summary>
/// One <c>files</c> part of a batch upload as it arrives: the name the client gave it and its content, read once,
/// front to back (a multipart section's body). The type is found from the content; the declared one is ignored.
/// </summary>
/// <param name="FileName">The part's file name; shown to the user and prefixed to a zip's entry names.</param>
/// <param name="Content">The part's body; read to its end (or to a limit) and not disposed.</param>
public sealed record BatchUploadFile(string? FileName, Stream Content);

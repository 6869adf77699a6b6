namespace MikuCloud.Cli.Batches;

/// <summary>
/// A local file to upload and the name it is uploaded as (its path under the folder given, with '/'), which is the
/// file name in the results and how a resumed run recognises what already arrived.
/// </summary>
public sealed record BatchInput(string FullPath, string UploadName, long Length);

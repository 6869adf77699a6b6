namespace MikuCloud.Api.Batches;

/// <summary>One part of a batch upload: a field (<see cref="Value"/>) or a file (<see cref="FileName"/>, read from <see cref="Body"/> before the next part).</summary>
public sealed record BatchFormPart(string Name, string? Value, string? FileName, Stream? Body)
{
    public bool IsFile => FileName is not null;
}

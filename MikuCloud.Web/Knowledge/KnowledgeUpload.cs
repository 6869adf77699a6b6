using MikuCloud.Web.Batches;

namespace MikuCloud.Web.Knowledge;

/// <summary>One file going into a knowledge base: how far it got, and what the API made of it.</summary>
public sealed class KnowledgeUpload(string name, long size)
{
    public string Name { get; } = name;

    public long Size { get; } = size;

    /// <summary>Bytes sent so far.</summary>
    public long Sent { get; internal set; }

    public FileUploadStatus Status { get; internal set; } = FileUploadStatus.Waiting;

    /// <summary>Why the API did not take it (unsupported type, too large, a duplicate, a quota), or why it was not sent.</summary>
    public string? Error { get; internal set; }

    /// <summary>The problem code of a refusal (<see cref="KnowledgeFileRefused.Code"/>).</summary>
    public string? Code { get; internal set; }

    /// <summary>0–100.</summary>
    public int Percent => Status is FileUploadStatus.Waiting ? 0 : Size <= 0 || Status is not FileUploadStatus.Sending ? 100 : (int)Math.Min(100, Sent * 100 / Size);
}

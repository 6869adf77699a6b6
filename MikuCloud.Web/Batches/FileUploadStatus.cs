namespace MikuCloud.Web.Batches;

/// <summary>Where a <see cref="FileUpload"/> is.</summary>
public enum FileUploadStatus
{
    /// <summary>Not sent yet.</summary>
    Waiting,

    /// <summary>Streaming to the API.</summary>
    Sending,

    /// <summary>Became one or more items (a zip's entries may be partly refused).</summary>
    Added,

    /// <summary>Sent, but nothing of it became an item (<see cref="FileUpload.Refused"/> says why).</summary>
    Refused,

    /// <summary>Not sent, or the request failed (<see cref="FileUpload.Error"/> says why).</summary>
    Failed,
}

using MikuCloud.Web.Api;
using MikuCloud.Web.Auth;
using MikuCloud.Web.Components.Chat;
using MikuCloud.Web.Uploads;

namespace MikuCloud.Web.Chat;

/// <summary>
/// The pictures of a submission, as held in the Web's <see cref="UploadStore"/> for the signed-in user: whether they
/// are still there, how they are streamed to the API, and freeing them once the API has its own copy.
/// </summary>
public sealed class SubmissionUploads(UploadStore store, CurrentUser user)
{
    /// <summary>The first picture whose upload is gone (the tab sat open for hours and it expired), if any.</summary>
    public Attachment? FirstMissing(ChatSubmission submission) =>
        submission.Attachments.FirstOrDefault(a => a.UploadId is not { } id || store.Find(id, user.UserId) is null);

    /// <summary>The pictures as the API client streams them (opened only when the request body is written).</summary>
    public IReadOnlyList<OutgoingImage> ToOutgoing(ChatSubmission submission) =>
        submission.Attachments.Select(a =>
        {
            var upload = store.Find(a.UploadId!.Value, user.UserId)!;
            return new OutgoingImage(a.Name, upload.MediaType, () => store.OpenRead(upload));
        }).ToList();

    /// <summary>The API saved the message with its own processed copies: the Web's are no longer needed.</summary>
    public void Delete(ChatSubmission? submission)
    {
        foreach (var a in submission?.Attachments ?? [])
        {
            if (a.UploadId is { } id)
            {
                store.Delete(id, user.UserId);
            }
        }
    }
}

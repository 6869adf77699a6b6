namespace MikuCloud.Web.Components.Chat;

/// <summary>Kinds of notice: they differ in colour and in whether a retry makes sense.</summary>
public enum NoticeKind { Info, Warning, Error, Busy }

/// <summary>A friendly message above the input (busy, unreachable, refused…), optionally with a retry.</summary>
public sealed record ChatNotice(NoticeKind Kind, string Text, bool CanRetry = false, string? TestId = null);

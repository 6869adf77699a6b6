namespace MikuCloud.Web.Api;

/// <summary>
/// How the Web presents the API's contract records (MikuCloud.Contracts). Kept here, not on the records: a computed
/// property there would also be serialised by the API and change its JSON.
/// </summary>
public static class ContractExtensions
{
    extension(UserDto user)
    {
        /// <summary>Whether the account has the <see cref="Roles.Admin"/> role.</summary>
        public bool IsAdmin => user.Role == Roles.Admin;

        /// <summary>What to call the user on screen.</summary>
        public string ShownName => string.IsNullOrWhiteSpace(user.DisplayName) ? user.UserName : user.DisplayName;
    }

    extension(MessageStatus)
    {
        /// <summary>Statuses that deserve a badge and a retry button.</summary>
        public static bool IsRetryable(string? status) =>
            status is MessageStatus.Cancelled or MessageStatus.Failed or MessageStatus.Truncated or MessageStatus.Interrupted;
    }
}

namespace MikuCloud.Web.Components.Account;

/// <summary>The posted fields of <see cref="NewAccountForm"/>.</summary>
public sealed class NewAccountInput
{
    public string? UserName { get; set; }

    public string? DisplayName { get; set; }

    public string? Password { get; set; }

    public string? Confirm { get; set; }

    /// <summary>A message for what the browser's own checks may have let through, or null when the input can go to the API.</summary>
    public string? Problem(Localization.UiText t)
    {
        ArgumentNullException.ThrowIfNull(t);
        if (string.IsNullOrWhiteSpace(UserName) || string.IsNullOrEmpty(Password))
        {
            return t["auth.error.required"];
        }

        return Password != Confirm ? t["auth.mismatch"] : null;
    }
}

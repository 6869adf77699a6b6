using Microsoft.EntityFrameworkCore;
using MikuCloud.Api.Data;

namespace MikuCloud.Api.Accounts;

/// <summary>The install-wide settings an admin changes: whether sign-up is open, whether <c>/v1</c> fetches image URLs.</summary>
public sealed class InstallSettingsService(ChatDbContext db)
{
    public async Task<bool> SignUpAllowedAsync(CancellationToken ct) => await ReadAsync(InstallSetting.SignUpAllowed, ct) == true;

    public Task SetSignUpAllowedAsync(bool allowed, CancellationToken ct) => WriteAsync(InstallSetting.SignUpAllowed, allowed, ct);

    /// <summary>The admin's image URL fetching switch; null when no admin has set it (the configured default applies).</summary>
    public Task<bool?> ImageUrlFetchingAsync(CancellationToken ct) => ReadAsync(InstallSetting.ImageUrlFetching, ct);

    public Task SetImageUrlFetchingAsync(bool enabled, CancellationToken ct) => WriteAsync(InstallSetting.ImageUrlFetching, enabled, ct);

    private async Task<bool?> ReadAsync(string key, CancellationToken ct) =>
        await db.Settings.Where(s => s.Key == key).Select(s => s.Value).FirstOrDefaultAsync(ct) switch
        {
            null => null,
            var value => value == "true",
        };

    private async Task WriteAsync(string key, bool value, CancellationToken ct)
    {
        var row = await db.Settings.FindAsync([key], ct);
        if (row is null)
        {
            db.Settings.Add(new InstallSetting { Key = key, Value = value ? "true" : "false" });
        }
        else
        {
            row.Value = value ? "true" : "false";
        }

        await db.SaveChangesAsync(ct);
    }
}

using Microsoft.EntityFrameworkCore;
using MikuCloud.Api.Data;

namespace MikuCloud.Api.Accounts;

/// <summary>The install-wide account settings an admin changes (today: whether sign-up is open).</summary>
public sealed class InstallSettingsService(ChatDbContext db)
{
    public async Task<bool> SignUpAllowedAsync(CancellationToken ct) =>
        await db.Settings.Where(s => s.Key == InstallSetting.SignUpAllowed).Select(s => s.Value).FirstOrDefaultAsync(ct) == "true";

    public async Task SetSignUpAllowedAsync(bool allowed, CancellationToken ct)
    {
        var row = await db.Settings.FindAsync([InstallSetting.SignUpAllowed], ct);
        if (row is null)
        {
            db.Settings.Add(new InstallSetting { Key = InstallSetting.SignUpAllowed, Value = allowed ? "true" : "false" });
        }
        else
        {
            row.Value = allowed ? "true" : "false";
        }

        await db.SaveChangesAsync(ct);
    }
}

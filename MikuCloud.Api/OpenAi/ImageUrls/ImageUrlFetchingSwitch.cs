using Microsoft.Extensions.Options;
using MikuCloud.Api.Accounts;

namespace MikuCloud.Api.OpenAi.ImageUrls;

/// <summary>
/// Whether <c>/v1</c> fetches image URLs now: an admin's choice (<c>PUT /api/admin/settings</c>) once one was made,
/// otherwise <c>OpenAi:ImageUrlFetching:Enabled</c>. The same in both auth modes: in single-user mode the local user is
/// the admin, so configuration gives the default and the settings endpoint can still change it.
/// </summary>
public sealed class ImageUrlFetchingSwitch(InstallSettingsService install, IOptions<ImageUrlFetchOptions> options)
{
    public async Task<bool> IsOnAsync(CancellationToken cancellationToken) =>
        await install.ImageUrlFetchingAsync(cancellationToken) ?? options.Value.Enabled;
}

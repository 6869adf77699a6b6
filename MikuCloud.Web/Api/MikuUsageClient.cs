using MikuCloud.Web.Auth;

namespace MikuCloud.Web.Api;

/// <summary>Typed client for the admin usage analytics (<c>/api/admin/usage</c>), acting as the signed-in admin.</summary>
public sealed class MikuUsageClient : ApiClientBase
{
    /// <summary>For DI: requests act for the user of the calling scope (request or circuit).</summary>
    [ActivatorUtilitiesConstructor]
    public MikuUsageClient(HttpClient http, UserApiCredentials credentials)
        : base(http, credentials)
    {
    }

    /// <summary>The report for a window and grouping, as the page's query string gives them (the API checks them).</summary>
    public async Task<UsageReport> GetUsageAsync(UsageSelection selection, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(selection);
        return await GetAsync<UsageReport>("/api/admin/usage?" + selection.Query(), cancellationToken)
            ?? throw new InvalidOperationException("The API answered the usage report with nothing.");
    }
}

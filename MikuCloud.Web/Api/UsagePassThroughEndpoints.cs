using MikuCloud.Web.Auth;

namespace MikuCloud.Web.Api;

/// <summary><c>GET /admin/usage.csv</c>: the Usage page's CSV download, streamed from the API as the signed-in admin.</summary>
public static class UsagePassThroughEndpoints
{
    public static IEndpointRouteBuilder MapUsagePassThroughEndpoints(this IEndpointRouteBuilder app)
    {
        app.MapGet("/admin/usage.csv", CsvAsync).RequireAuthorization(Policies.Admin);
        return app;
    }

    /// <summary>The CSV of the page's selection (parsed and rebuilt: only known parameters reach the API).</summary>
    public static Task CsvAsync(string? window, string? from, string? to, string? by, HttpContext ctx, MikuApiClient api) =>
        PassThroughEndpoints.PassThroughAsync(ctx, api, "/api/admin/usage.csv?" + UsageSelection.Of(window, from, to, by).Query(), contentTypePrefix: "text/csv",
            cacheControl: "no-store", attachmentName: "usage.csv");
}

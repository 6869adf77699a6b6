using Microsoft.AspNetCore.Http.HttpResults;
using MikuCloud.Api.Accounts;

namespace MikuCloud.Api.Usage;

/// <summary>Usage analytics for admins: who and what used how much over a window, as JSON or CSV.</summary>
public static class AdminUsageEndpoints
{
    private const string Query = "Window: window=24h|7d|30d|365d (default 24h), or from/to (ISO 8601, whole UTC hours: from rounds down, to up; at most 731 days). "
        + "Grouping: by=user|model|door (default user). ";

    public static IEndpointRouteBuilder MapAdminUsageEndpoints(this IEndpointRouteBuilder app)
    {
        ArgumentNullException.ThrowIfNull(app);
        var usage = app.MapGroup("/api/admin").WithTags("Admin").RequireAuthorization(AuthPolicies.Admin);
        usage.MapGet("/usage", GetUsageAsync)
            .WithSummary("Answers, tokens, images, failures and time-to-first-token percentiles per user, model or door over a window, with a trend.")
            .WithDescription(Query + "Counts and tokens are exact (every door, every replica, deleted conversations included). " + TtftHistogram.Resolution);
        usage.MapGet("/usage.csv", GetUsageCsvAsync)
            .WithSummary("The same grouped table as CSV (UTF-8 with BOM, RFC 4180).")
            .WithDescription(Query + TtftHistogram.Resolution);
        return app;
    }

    private static async Task<Ok<UsageReport>> GetUsageAsync(string? window, string? from, string? to, string? by,
        UsageAnalytics analytics, TimeProvider clock, CancellationToken cancellationToken) =>
        TypedResults.Ok(await analytics.ReportAsync(UsageWindow.Parse(window, from, to, clock.GetUtcNow().UtcDateTime), Grouping(by), cancellationToken));

    private static async Task<FileContentHttpResult> GetUsageCsvAsync(string? window, string? from, string? to, string? by,
        UsageAnalytics analytics, TimeProvider clock, CancellationToken cancellationToken)
    {
        var report = await analytics.ReportAsync(UsageWindow.Parse(window, from, to, clock.GetUtcNow().UtcDateTime), Grouping(by), cancellationToken);
        using var buffer = new MemoryStream();
        await UsageCsv.WriteAsync(report, buffer, cancellationToken);
        return TypedResults.File(buffer.ToArray(), "text/csv; charset=utf-8", UsageCsv.FileName(report));
    }

    private static string Grouping(string? by) =>
        by is null ? UsageDimension.User
        : UsageDimension.Groupings.FirstOrDefault(g => string.Equals(g, by, StringComparison.OrdinalIgnoreCase))
          ?? throw ApiProblem.Invalid("by", $"Use one of: {string.Join(", ", UsageDimension.Groupings)}.");
}

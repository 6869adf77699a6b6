using System.Data.Common;
using Microsoft.AspNetCore.Diagnostics;
using Microsoft.EntityFrameworkCore;

namespace MikuCloud.Api;

/// <summary>
/// A database that cannot be reached (PostgreSQL stopped, SQLite file locked for too long) is a 503 with
/// Retry-After and a clear message, not a 500: the request did nothing half-way (each write is one SaveChanges).
/// </summary>
public sealed class DatabaseUnavailableHandler(IProblemDetailsService problems, ILogger<DatabaseUnavailableHandler> logger) : IExceptionHandler
{
    public async ValueTask<bool> TryHandleAsync(HttpContext httpContext, Exception exception, CancellationToken cancellationToken)
    {
        if (!IsDatabaseOutage(exception) || httpContext.Response.HasStarted)
        {
            return false;
        }

        logger.LogWarning("Database unavailable: {Message}", exception.GetBaseException().Message);
        return await DependencyOutage.WriteAsync(problems, httpContext, exception, "The database is unavailable.",
            "Chat history cannot be read or saved right now. Nothing was changed; please try again shortly.", ProblemCodes.DatabaseUnavailable);
    }

    internal static bool IsDatabaseOutage(Exception exception) =>
        exception switch
        {
            DbException => true,
            DbUpdateException { InnerException: DbException } => true,
            InvalidOperationException { InnerException: DbException } => true, // EF's "transient failure" wrapper
            TimeoutException => false,
            _ => exception.InnerException is { } inner && IsDatabaseOutage(inner),
        };
}
